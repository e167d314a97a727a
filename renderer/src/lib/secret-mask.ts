// The mask the hosts send instead of secret header values. Same value as shared/settings'
// SECRET_MASK (a test checks it), repeated here because importing that module would pull zod
// into the renderer bundle for one string.
export const SECRET_MASK = '••••••••';
