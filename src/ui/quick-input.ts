// How the extension's pickers and input boxes behave when they are a step of a command (the
// function, then the event, then its parameters...).

/**
 * A step stays open when the focus moves: a webview (the result view, the log panel) can take the
 * focus a moment after a picker opens (on a busy machine, seconds after the click that focused
 * it), which would close the picker with no choice made and end the command. Escape still closes it.
 */
export const STEP_OF_A_FLOW = true;
