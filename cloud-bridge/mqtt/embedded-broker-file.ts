/** Where a daemon using the embedded broker writes its port (in its data folder), for CLI clients. */
export const EMBEDDED_BROKER_FILE = 'embedded-broker.json';
