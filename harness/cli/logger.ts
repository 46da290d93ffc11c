// pino, JSON on stderr; quiet by default (warnings and errors only), debug with --verbose.
import { pino, type Logger } from 'pino';

export function createLogger(verbose: boolean): Logger {
  return pino({ name: 'netqoe', level: verbose ? 'debug' : 'warn' }, pino.destination(2));
}
