import { Observable, type ConfigurationOptions } from '@kubernetes/client-node';

/**
 * Per-call options for client-node: a deadline on the whole request (headers and body) and any
 * extra headers. client-node sets no timeout of its own, so an API server that accepts the
 * connection and never answers would hang the call (and the process) forever without this.
 */
export function requestOptions(deadlineMs: number, headers: Record<string, string> = {}): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(deadlineMs));
          for (const [name, value] of Object.entries(headers)) context.setHeaderParam(name, value);
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
