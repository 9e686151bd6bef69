/** A problem with what the user asked for or gave (a file, a flag): printed without a stack trace, exit status 1. */
export class UserError extends Error {}
