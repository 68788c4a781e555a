/**
 * Server-side reading of the `{identifier}` path segment. fastify has already percent-decoded it, so the encoded
 * form (`phone:%2B601…`, `email:a%40b.com`) and the raw form (`phone:+601…`, `email:a@b.com`) arrive identical.
 */
export type ContactLookup = { type: 'id'; id: number } | { type: 'email'; email: string } | { type: 'phone'; phone: string };

export type IdentifierResult = { ok: true; lookup: ContactLookup } | { ok: false; message: string };

const EXPECTED = 'expected id:<number>, email:<address> or phone:<E.164 number>';

export function parseContactIdentifier(segment: string): IdentifierResult {
  const colon = segment.indexOf(':');
  const bad = (why: string): IdentifierResult => ({ ok: false, message: `Invalid contact identifier: ${why} (${EXPECTED})` });
  if (colon < 0) return bad('missing type prefix');
  const type = segment.slice(0, colon);
  const value = segment.slice(colon + 1).trim();
  if (value.length === 0) return bad(`empty ${type} value`);
  switch (type) {
    case 'id': {
      if (!/^[0-9]{1,15}$/.test(value)) return bad('id must be a positive integer');
      const id = Number(value);
      return id > 0 ? { ok: true, lookup: { type: 'id', id } } : bad('id must be a positive integer');
    }
    case 'email':
      if (!/^[^@\s/]+@[^@\s/]+\.[^@\s/]+$/.test(value)) return bad('email is not an address');
      return { ok: true, lookup: { type: 'email', email: value.toLowerCase() } };
    case 'phone':
      if (!/^\+[0-9]{6,15}$/.test(value)) return bad('phone must be E.164 (+ and 6 to 15 digits)');
      return { ok: true, lookup: { type: 'phone', phone: value } };
    default:
      return bad(`unknown type "${type}"`);
  }
}
