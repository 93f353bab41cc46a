// Subsets of the AWS KMS and Google Cloud KMS clients' types, with their names and shapes
// (@aws-sdk/client-kms 3.x, @google-cloud/kms), holding only what docs/auth.md's signer examples
// use: test/examples.test.ts type-checks those examples against them without either SDK
// installed. Neither SDK is a dependency of this package.

declare module '@aws-sdk/client-kms' {
  export type SigningAlgorithmSpec =
    | 'RSASSA_PSS_SHA_256'
    | 'RSASSA_PSS_SHA_384'
    | 'RSASSA_PSS_SHA_512'
    | 'RSASSA_PKCS1_V1_5_SHA_256'
    | 'RSASSA_PKCS1_V1_5_SHA_384'
    | 'RSASSA_PKCS1_V1_5_SHA_512'
    | 'ECDSA_SHA_256'
    | 'ECDSA_SHA_384'
    | 'ECDSA_SHA_512';
  export interface SignCommandInput {
    KeyId: string | undefined;
    Message: Uint8Array | undefined;
    MessageType?: 'RAW' | 'DIGEST' | undefined;
    GrantTokens?: string[] | undefined;
    SigningAlgorithm: SigningAlgorithmSpec | undefined;
    DryRun?: boolean | undefined;
  }
  export interface SignCommandOutput {
    KeyId?: string | undefined;
    Signature?: Uint8Array | undefined;
    SigningAlgorithm?: SigningAlgorithmSpec | undefined;
  }
  export class SignCommand {
    constructor(input: SignCommandInput);
    readonly input: SignCommandInput;
  }
  export class KMSClient {
    constructor(configuration?: { region?: string | undefined });
    send(command: SignCommand): Promise<SignCommandOutput>;
  }
}

declare module '@google-cloud/kms' {
  interface IDigest {
    sha256?: Uint8Array | string | null;
    sha384?: Uint8Array | string | null;
    sha512?: Uint8Array | string | null;
  }
  interface IAsymmetricSignRequest {
    name?: string | null;
    digest?: IDigest | null;
    data?: Uint8Array | string | null;
  }
  interface IAsymmetricSignResponse {
    signature?: Uint8Array | string | null;
    name?: string | null;
  }
  export class KeyManagementServiceClient {
    constructor(options?: object);
    cryptoKeyVersionPath(
      project: string,
      location: string,
      keyRing: string,
      cryptoKey: string,
      cryptoKeyVersion: string,
    ): string;
    asymmetricSign(
      request?: IAsymmetricSignRequest,
    ): Promise<[IAsymmetricSignResponse, IAsymmetricSignRequest | undefined, object | undefined]>;
  }
}
