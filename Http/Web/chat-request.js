// The chat completion request the page sends: the conversation so far in OpenAI's message shape, the system prompt
// and the sampling settings the user set. Settings left empty are not sent, so the server's defaults (the model's
// generation_config.json) apply, as for any other client.

/**
 * The sampling settings from the form's strings: numbers where given, null where empty. A value that is not a
 * number in range is an Error naming the field, so the page can say what to fix before anything is sent.
 */
export function parseSettings({ temperature = '', topP = '', maxTokens = '' } = {}) {
  return {
    temperature: number('temperature', temperature, 0, 2, false),
    top_p: number('top_p', topP, 0, 1, false),
    max_tokens: number('max_tokens', maxTokens, 1, Number.MAX_SAFE_INTEGER, true),
  };
}

function number(name, text, min, max, integer) {
  const trimmed = String(text).trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${integer ? 'a whole number' : 'a number'} from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, not '${trimmed}'`);
  }
  return value;
}

/**
 * One turn of the conversation in OpenAI's shape: a user turn with images becomes content parts (the images as
 * data URLs, then the text); other turns are plain strings.
 * @param {{role: 'user'|'assistant', text: string, images?: string[]}} turn
 */
export function toMessage(turn) {
  const images = turn.images ?? [];
  if (turn.role !== 'user' || images.length === 0) return { role: turn.role, content: turn.text };
  const parts = images.map((url) => ({ type: 'image_url', image_url: { url } }));
  if (turn.text) parts.push({ type: 'text', text: turn.text });
  return { role: 'user', content: parts };
}

/**
 * The body of POST /v1/chat/completions: streamed, with the usage chunk (the page shows token counts from it).
 * Turns without text or images (an answer stopped before its first token, one that failed) are left out.
 */
export function buildChatRequest({ model, systemPrompt = '', settings = {}, turns }) {
  const messages = [];
  if (systemPrompt.trim()) messages.push({ role: 'system', content: systemPrompt });
  for (const turn of turns) {
    if (turn.text || (turn.images ?? []).length > 0) messages.push(toMessage(turn));
  }
  const body = { model, messages, stream: true, stream_options: { include_usage: true } };
  for (const [name, value] of Object.entries(settings)) if (value !== null && value !== undefined) body[name] = value;
  return body;
}
