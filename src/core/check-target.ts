import { DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from './dns-names.js';
import { ErrorCode, OomCheckError } from './errors.js';


/**
 * A pod reference as a person typed it or an alert carried it: namespace a DNS-1123 label, pod a
 * DNS-1123 subdomain, the namespace within the allow-list (empty = all). Throws TargetInvalid
 * with what is wrong and how to write it.
 */
export function checkTarget(namespace: string, pod: string, allowedNamespaces: readonly string[]): void {
  if (namespace.length > 63 || !DNS_1123_LABEL.test(namespace)) {
    throw new OomCheckError(
      ErrorCode.TargetInvalid,
      `"${namespace.slice(0, 80)}" is not a namespace name: use lower-case letters, digits and "-", at most 63 characters, e.g. shop`,
    );
  }
  if (pod.length > 253 || !DNS_1123_SUBDOMAIN.test(pod)) {
    throw new OomCheckError(
      ErrorCode.TargetInvalid,
      `"${pod.slice(0, 80)}" is not a pod name: use lower-case letters, digits, "-" and ".", at most 253 characters, e.g. checkout-7d9f8-abcde`,
    );
  }
  if (allowedNamespaces.length > 0 && !allowedNamespaces.includes(namespace)) {
    throw new OomCheckError(
      ErrorCode.TargetInvalid,
      `namespace ${namespace} is outside OOM_CHECK_NAMESPACES (${allowedNamespaces.join(', ')}): oom-check does not act there`,
    );
  }
}
