// Runs a task of the page's own thread so that a trap inside it (a panic, in a module built with
// panic = "abort", ends in one) stops only that task: the exception is caught here, at the
// boundary between JavaScript and WebAssembly, and reported back as text.
export function callGuarded(task) {
  try {
    task();
    return undefined;
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}
