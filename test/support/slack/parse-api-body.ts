/**
 * Decodes a Web API request body the way Slack reads it. @slack/web-api posts
 * `application/x-www-form-urlencoded` and JSON-encodes every non-scalar argument (`blocks`,
 * `view`, ...), or `multipart/form-data` when an argument is a Buffer; other clients post JSON.
 */

/** Arguments Slack treats as JSON when they arrive as form fields. */
const JSON_FIELDS = new Set([
  'attachments',
  'blocks',
  'files',
  'metadata',
  'unfurls',
  'user_auth_blocks',
  'view',
]);

export class BodyFormatError extends Error {
  constructor(
    /** The `error` Slack answers with: `invalid_json` or `invalid_form_data`. */
    readonly slackError: 'invalid_json' | 'invalid_form_data',
    message: string,
  ) {
    super(message);
    this.name = 'BodyFormatError';
  }
}

/** A file part of a multipart request. */
export interface UploadedPart {
  filename: string;
  bytes: Buffer;
}

function jsonOrRaw(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    // Slack would answer invalid_blocks / invalid_arguments; the raw string lets the test see why.
    if (error instanceof SyntaxError) return value;
    throw error;
  }
}

function decodeJsonFields(args: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(args)) {
    if (JSON_FIELDS.has(key) && typeof value === 'string') args[key] = jsonOrRaw(value);
  }
  return args;
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Reads a multipart body with the platform's own parser (undici's `Response.formData`). */
export async function readMultipart(raw: Buffer, contentType: string): Promise<Map<string, string | UploadedPart>> {
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new BodyFormatError('invalid_form_data', `unreadable multipart body: ${(error as Error).message}`);
  }
  const out = new Map<string, string | UploadedPart>();
  for (const [key, value] of form.entries()) {
    out.set(key, typeof value === 'string' ? value : { filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return out;
}

export async function parseApiBody(raw: Buffer, contentType: string | undefined): Promise<Record<string, unknown>> {
  const type = mediaType(contentType);
  if (raw.length === 0) return {};
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new BodyFormatError('invalid_json', `body is not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BodyFormatError('invalid_json', 'a JSON body must be an object');
    }
    return parsed as Record<string, unknown>;
  }
  if (type === 'multipart/form-data') {
    const parts = await readMultipart(raw, contentType ?? '');
    return decodeJsonFields(Object.fromEntries(parts));
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    return decodeJsonFields(Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  }
  throw new BodyFormatError('invalid_form_data', `unsupported content type ${type}`);
}

export function parseQueryArgs(search: URLSearchParams): Record<string, unknown> {
  return decodeJsonFields(Object.fromEntries(search));
}
