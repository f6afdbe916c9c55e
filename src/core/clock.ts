// Time as an argument: the Clock and Scheduler interfaces every time-dependent module takes.
//
// The core never reads the system clock. The shell passes `systemClock` / `systemScheduler`
// (src/platform), tests and the simulator pass a VirtualClock, and the same code runs in all three.

/** Reads the current time in milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** A pending callback that can be cancelled; cancelling twice or after it ran is harmless. */
export interface Timer {
  cancel(): void;
}

/** A Clock that can also run a callback later (used by the shell, never by the pure core). */
export interface Scheduler extends Clock {
  /** Runs `fn` once, `ms` milliseconds from now. */
  after(ms: number, fn: () => void): Timer;
}
