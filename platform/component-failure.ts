// A component whose consumer ended on an error (its subscription stopped: a database failure that
// is not passing, a broker gone for good) leaves the process up with that part of the product
// dead, and nothing would restart it. Components report such an end here; `call-ledger run`
// listens and stops the whole process with exit code 1, so its supervisor (systemd, Kubernetes, a
// restart policy) starts it again and every component resumes from its checkpoints. A process
// that embeds components without listening (the test harness) only gets the components' logs.
type Listener = (component: string, error: unknown) => void;

const listeners = new Set<Listener>();

/** Calls `listener` for every component that ends on an error. */
export function onComponentFailure(listener: Listener): void {
  listeners.add(listener);
}

export function componentFailed(component: string, error: unknown): void {
  for (const listener of listeners) listener(component, error);
}
