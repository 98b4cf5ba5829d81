// What an API Gateway API is, besides its routes: its stage, CORS, authorizers and binary media
// types, as a project declares them (SAM's AWS::Serverless::Api and HttpApi with Globals, the
// implicit APIs, serverless.yml's provider settings). The local HTTP API serves by these.

export interface ApiSettings {
  /** The API's Name property, when given. */
  readonly name?: string;
  /** The stage its URL ends in: `Prod` for SAM's implicit REST API, `$default` for an HTTP API unless named. */
  readonly stageName: string;
  /** How it answers browsers' cross-origin requests; undefined when it does not. */
  readonly cors?: ApiCors;
  /** Its authorizers, by the names routes give them. */
  readonly authorizers: readonly ApiAuthorizer[];
  /** The authorizer of routes that name none. */
  readonly defaultAuthorizer?: string;
  /** REST APIs: content types passed to the function base64-encoded (`image/png`, `*\/*`). */
  readonly binaryMediaTypes: readonly string[];
}

export interface ApiCors {
  readonly allowOrigins: readonly string[];
  /** Empty: the methods of the path's own routes (SAM's default for a REST API). */
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  readonly maxAge?: number;
}

export interface ApiAuthorizer {
  readonly name: string;
  /**
   * `lambda`: a Lambda authorizer (REST TOKEN or REQUEST, HTTP API REQUEST); `jwt`: an HTTP API JWT
   * authorizer; `cognito`: a REST API Cognito user pool authorizer; `iam`: AWS_IAM.
   */
  readonly type: 'lambda' | 'jwt' | 'cognito' | 'iam';
  /** A Lambda authorizer's function, by the logical id or name its FunctionArn gives. */
  readonly functionName?: string;
  /** REST API Lambda authorizers: `TOKEN` (the default) or `REQUEST`. */
  readonly payloadType?: 'TOKEN' | 'REQUEST';
  /**
   * Lambda authorizers: where the identity is read, each `header:<name>` or `query:<name>`; a
   * request without one of them is refused (401) without calling the authorizer.
   */
  readonly identitySources?: readonly string[];
  /** Lambda authorizers: how long a result is reused for the same identity (0: not at all). */
  readonly ttlSeconds?: number;
  /** HTTP API Lambda authorizers: the event's payload version, and whether `{isAuthorized}` answers. */
  readonly payloadVersion?: '1.0' | '2.0';
  readonly simpleResponses?: boolean;
  /** JWT authorizers: the token's issuer (`iss`) and the audiences it may be for (`aud` or `client_id`). */
  readonly issuer?: string;
  readonly audience?: readonly string[];
}
