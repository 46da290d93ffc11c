import { describe, expect, test } from 'vitest';
import { CHROMIUM_CANDIDATES, findChromium } from '../../harness/browser/chromium-path.ts';
import { chromiumArgs } from '../../harness/browser/launch.ts';

describe('findChromium', () => {
  test('CHROME_PATH wins when it is an executable', () => {
    expect(findChromium({ CHROME_PATH: process.execPath })).toEqual({ path: process.execPath });
  });

  test('a CHROME_PATH that does not exist is reported, not silently replaced', () => {
    const found = findChromium({ CHROME_PATH: '/nonexistent/chrome' });
    expect(found).toHaveProperty('missing');
    expect('missing' in found && found.missing).toMatch(/CHROME_PATH=\/nonexistent\/chrome/);
  });

  test('without CHROME_PATH: a candidate path, or advice naming apt-get and CHROME_PATH', () => {
    const found = findChromium({});
    if ('path' in found) {
      expect(CHROMIUM_CANDIDATES).toContain(found.path);
    } else {
      expect(found.missing).toContain('apt-get install -y chromium');
      expect(found.missing).toContain('CHROME_PATH');
    }
  });
});

describe('chromiumArgs', () => {
  test('the fixed flags, and the fake capture flags only with a video file', () => {
    const plain = chromiumArgs();
    for (const flag of ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-features=WebRtcHideLocalIpsWithMdns']) {
      expect(plain).toContain(flag);
    }
    expect(plain.some((a) => a.startsWith('--use-fake'))).toBe(false);
    const withVideo = chromiumArgs({ fakeVideoFile: '/tmp/clip.y4m', extraArgs: ['--foo'] });
    expect(withVideo).toContain('--use-file-for-fake-video-capture=/tmp/clip.y4m');
    expect(withVideo).toContain('--use-fake-ui-for-media-stream');
    expect(withVideo).toContain('--use-fake-device-for-media-stream');
    expect(withVideo.at(-1)).toBe('--foo');
  });
});
