// The pages' calls to the server's API. With --api-key the /v1 routes want `Authorization: Bearer KEY`; the pages
// themselves open without it, ask the user once, and keep the key in this browser's localStorage.

const KEY_ITEM = 'qwenvl.apiKey';

/** A failed API call: the HTTP status and the message of the server's OpenAI-shaped error. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }

  /** The server wants a key this page does not have (or has wrong). */
  get unauthorized() {
    return this.status === 401;
  }
}

function storage() {
  // Storage can be missing or refuse access (privacy settings, sandboxed frames): the page then asks each time.
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function getApiKey(store = storage()) {
  try {
    return store?.getItem(KEY_ITEM) || '';
  } catch {
    return '';
  }
}

/** Keeps the key for the next visits; an empty key forgets it. */
export function setApiKey(key, store = storage()) {
  try {
    if (key) store?.setItem(KEY_ITEM, key);
    else store?.removeItem(KEY_ITEM);
  } catch {
    // Not kept: the page still sends it for as long as it is open.
  }
}

/** Headers for an API call: the JSON ones given, plus the bearer key when there is one. */
export function authHeaders(key = getApiKey(), headers = {}) {
  return key ? { ...headers, Authorization: `Bearer ${key}` } : { ...headers };
}

/**
 * A URL with the key as `api_key` query parameter, for EventSource, which cannot send headers. Prefer headers
 * wherever they can be sent: a query string can end up in logs.
 */
export function withApiKeyQuery(url, key = getApiKey(), base = globalThis.location?.href) {
  const u = new URL(url, base);
  if (key) u.searchParams.set('api_key', key);
  return u.pathname + u.search;
}

/** The readable message of an error response's body: OpenAI's {error: {message}}, FastAPI's {detail}, or the text. */
export function errorMessage(status, bodyText) {
  try {
    const body = JSON.parse(bodyText);
    const message = body?.error?.message ?? (typeof body?.error === 'string' ? body.error : null) ?? body?.detail ?? body?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // Not JSON: the text itself, if any, is the message.
  }
  const text = String(bodyText ?? '').trim();
  return text ? text.slice(0, 500) : `HTTP ${status}`;
}

/** fetch() with the key; a non-2xx answer throws an ApiError. Returns the Response (a stream stays unread). */
export async function apiFetch(path, init = {}) {
  const response = await fetch(path, { ...init, headers: authHeaders(getApiKey(), init.headers) });
  if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, await response.text()));
  return response;
}

/** The served model names, first the one responses carry (GET /v1/models). */
export async function listModels() {
  const response = await apiFetch('/v1/models');
  const body = await response.json();
  return (body.data ?? []).map((model) => model.id);
}
