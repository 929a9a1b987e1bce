/**
 * Errors the simulated API server answers with, rendered as real `metav1.Status` objects so that
 * kubectl prints "Error from server (NotFound): ..." and client-node rejects with `{ code, body }`
 * exactly as against a real cluster.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  /** Absent for errors the API server did not classify (StatusReasonUnknown is "", omitted). */
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** What a Status names: the plural resource and its API group ("" for core). */
export interface ResourceRef {
  resource: string;
  group: string;
}

/** `pods` or `deployments.apps`: how the API server qualifies a resource in messages. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusObject {
    const status: StatusObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (!this.reason) delete status.reason;
    if (this.details) status.details = this.details;
    return status;
  }

  static notFound(ref: ResourceRef, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualifiedResource(ref)} "${name}" not found`, details(ref, name));
  }

  static pathNotFound(): ApiError {
    return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  static alreadyExists(ref: ResourceRef, name: string): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualifiedResource(ref)} "${name}" already exists`, details(ref, name));
  }

  static conflict(ref: ResourceRef, name: string): ApiError {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ` +
        'the object has been modified; please apply your changes to the latest version and try again',
      details(ref, name),
    );
  }

  /** 422 with one cause per invalid field, worded like the API server's field.ErrorList. */
  static invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    const list = causes.map((c) => `${c.field}: ${c.message}`);
    const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    // Empty name, group and kind are omitted from details (omitempty), as for the patch handler's
    // decode failures, which have none.
    const details: StatusDetails = { causes };
    if (name) details.name = name;
    if (group) details.group = group;
    if (kind) details.kind = kind;
    return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, details);
  }

  /** The RBAC denial wording of the real authorizer. */
  static forbidden(user: string, verb: string, ref: ResourceRef, namespace: string, name?: string): ApiError {
    const subject = name ? `${qualifiedResource(ref)} "${name}"` : qualifiedResource(ref);
    return new ApiError(
      403,
      'Forbidden',
      `${subject} is forbidden: User "${user}" cannot ${verb} resource "${ref.resource}" ` +
        `in API group "${ref.group}" in the namespace "${namespace}"`,
      { name, group: ref.group || undefined, kind: ref.resource.split('/')[0] },
    );
  }

  static badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  }

  static unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
    return new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format (${contentType || 'no Content-Type'}) - ` +
        `accepted media types include: ${accepted.join(', ')}`,
    );
  }

  static methodNotAllowed(): ApiError {
    return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  }

  static serviceUnavailable(message: string): ApiError {
    return new ApiError(503, 'ServiceUnavailable', message);
  }

  static gone(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  }

  /**
   * An error that is not a Status when it reaches the API server's response writer (a plain Go
   * error such as strategicpatch's "does not contain declared merge key"): ErrorToAPIStatus makes
   * it a 500 with no reason and the error text as message; kubectl prints "Error from server: ...".
   */
  static unclassified(message: string): ApiError {
    return new ApiError(500, '', message);
  }

  /**
   * errors.NewGenericServerResponse(code, "", GroupResource{}, "", serverMessage, 0, false), which
   * the patch handler uses for a JSON patch that does not apply: a fixed message, the library's
   * text as the only cause.
   */
  static genericServerResponse(code: 422, serverMessage: string): ApiError {
    return new ApiError(code, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }],
    });
  }

  static internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
  }
}

function details(ref: ResourceRef, name: string): StatusDetails {
  const result: StatusDetails = { name, kind: ref.resource };
  if (ref.group) result.group = ref.group;
  return result;
}
