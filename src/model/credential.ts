// What a request's credential is made of, shared by the authorizer (call/auth.ts) and the service
// app that fills it in (oauth/).

/** The credential headers of one request, names lowercase. */
export type CredentialHeaders = Readonly<Record<string, string>>;

/** What a failure means to the credential: see the authorizer's `failures` (call/auth.ts). */
export type FailureJudge = (
  error: unknown,
  sent: Record<string, string> | undefined,
) => 'repeat' | 'token' | undefined;
