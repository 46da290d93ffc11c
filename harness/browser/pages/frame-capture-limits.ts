// Shared by the capture (page) and its worker: how long a stop may take.

/** Longest wait, per stage of a stop, for frames and then the socket to drain (the page waits for both stages). */
export const STOP_DRAIN_MS = 10_000;
