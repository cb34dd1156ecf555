// See https://svelte.dev/docs/kit/types#app.d.ts
import type { IncomingMessage } from 'node:http';

declare global {
  namespace App {
    interface Locals {
      /** The shop visitor of the signed cookie (hooks.server.ts); null for API calls without one. */
      visitorId: string | null;
      /** The request carries the operator's token or sign-in cookie. */
      operator: boolean;
      /** Where the request came from, as the limits count it; undefined when adapter-node knows none (the client went). */
      clientAddress: string | undefined;
    }
    /** adapter-node hands each request's Node message to the app. */
    interface Platform {
      req: IncomingMessage;
    }
  }
}
export {};
