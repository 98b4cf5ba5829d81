// The version, written in by esbuild at build time (its `define` of LAMBDA_WORKBENCH_VERSION).
declare const LAMBDA_WORKBENCH_VERSION: string;

export const VERSION = LAMBDA_WORKBENCH_VERSION;
