/**
 * Where the broker's few log lines go: one per connection opened/closed and per consumer-group state change at
 * debug level, recovery and storage problems at warn, nothing per message. Silent unless a logger is given;
 * console and pino loggers fit as they are.
 */
export interface DevBrokerLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function toLogger(logger: DevBrokerLogger | undefined): Logger {
  const call = (level: keyof DevBrokerLogger) => (message: string) => {
    const method = logger?.[level];
    if (typeof method === 'function') method.call(logger, message);
  };
  return { debug: call('debug'), info: call('info'), warn: call('warn'), error: call('error') };
}
