// The frame-number marker codec (pure). It lives beside the pages because they import it in the browser
// (the page server serves pages/ only); harness code imports it from here.
export * from '../browser/pages/frame-marker.ts';
