// The chat page: wires the form to the API. A message goes out as a streamed chat completion with the whole
// conversation; the answer renders as its chunks arrive; Stop aborts the request, which the server takes as a
// disconnect and frees the request's KV blocks.

import { ApiError, apiFetch, getApiKey, listModels, setApiKey } from './api.js';
import { Attachments, connectImageSources } from './attachments.js';
import { buildChatRequest, parseSettings } from './chat-request.js';
import { AnswerTally, formatStats } from './chat-stream.js';
import { ConversationView } from './conversation-view.js';
import { readJsonData } from './sse.js';

const SETTINGS_ITEM = 'qwenvl.chatSettings';
const $ = (id) => document.getElementById(id);

const ui = {
  model: $('model'),
  keyButton: $('key-button'),
  keyPanel: $('key-panel'),
  keyInput: $('api-key'),
  keyForget: $('key-forget'),
  systemPrompt: $('system-prompt'),
  temperature: $('temperature'),
  topP: $('top-p'),
  maxTokens: $('max-tokens'),
  newChat: $('new-chat'),
  composer: $('composer'),
  message: $('message'),
  send: $('send'),
  stop: $('stop'),
  fileInput: $('file-input'),
};

const conversation = new ConversationView($('conversation'));
const attachments = new Attachments($('attachments'), (message) => conversation.addNotice(message));
/** The turns sent so far, each {role, text, images}; answers join once they end (a stopped one with its text so far). */
let turns = [];
/** The request in flight, to abort; null when idle. */
let inFlight = null;

function showKeyPanel(show) {
  ui.keyPanel.hidden = !show;
  if (show) {
    ui.keyInput.value = getApiKey();
    ui.keyInput.focus();
  }
}

async function loadModels() {
  try {
    const names = await listModels();
    ui.model.replaceChildren(...names.map((name) => new Option(name, name)));
    return true;
  } catch (e) {
    conversation.addNotice(`Cannot list the models: ${e.message}`);
    if (e instanceof ApiError && e.unauthorized) showKeyPanel(true);
    return false;
  }
}

function setBusy(busy) {
  ui.send.hidden = busy;
  ui.stop.hidden = !busy;
  ui.send.disabled = busy;
  if (!busy) ui.message.focus();
}

function readSettings() {
  return parseSettings({ temperature: ui.temperature.value, topP: ui.topP.value, maxTokens: ui.maxTokens.value });
}

async function send() {
  if (inFlight) return;
  let settings;
  try {
    settings = readSettings();
  } catch (e) {
    conversation.addNotice(e.message);
    return;
  }
  const text = ui.message.value.trim();
  if (!text && attachments.count === 0) return;
  const images = attachments.take();
  ui.message.value = '';
  // "New chat" during the answer starts a new list; this answer still belongs to the old one.
  const sentTurns = turns;
  sentTurns.push({ role: 'user', text, images });
  conversation.addUserTurn(text, images);

  const body = buildChatRequest({ model: ui.model.value || undefined, systemPrompt: ui.systemPrompt.value, settings, turns: sentTurns });
  const answer = conversation.addAnswer();
  const tally = new AnswerTally(performance.now());
  inFlight = new AbortController();
  setBusy(true);
  try {
    const response = await apiFetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal: inFlight.signal,
    });
    for await (const chunk of readJsonData(response)) {
      if (tally.accept(chunk, performance.now())) answer.setText(tally.text);
    }
    tally.end(performance.now());
    answer.finish(formatStats(tally.stats()));
  } catch (e) {
    tally.end(performance.now());
    if (e.name === 'AbortError') {
      answer.finish(formatStats(tally.stats()), 'stopped');
    } else {
      answer.fail(e.message);
      if (e instanceof ApiError && e.unauthorized) showKeyPanel(true);
    }
  } finally {
    sentTurns.push({ role: 'assistant', text: tally.text });
    inFlight = null;
    setBusy(false);
  }
}

function restoreSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_ITEM) ?? '{}');
    for (const name of ['systemPrompt', 'temperature', 'topP', 'maxTokens']) if (typeof saved[name] === 'string') ui[name].value = saved[name];
  } catch {
    // Nothing kept (or unreadable): the fields start empty.
  }
}

function saveSettings() {
  const values = Object.fromEntries(['systemPrompt', 'temperature', 'topP', 'maxTokens'].map((name) => [name, ui[name].value]));
  try {
    localStorage.setItem(SETTINGS_ITEM, JSON.stringify(values));
  } catch {
    // Not kept for the next visit; this one still uses them.
  }
}

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});
ui.message.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
ui.stop.addEventListener('click', () => inFlight?.abort());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && inFlight) inFlight.abort();
});
ui.newChat.addEventListener('click', () => {
  inFlight?.abort();
  turns = [];
  conversation.clear();
  ui.message.focus();
});
for (const name of ['systemPrompt', 'temperature', 'topP', 'maxTokens']) ui[name].addEventListener('change', saveSettings);
ui.keyButton.addEventListener('click', () => showKeyPanel(ui.keyPanel.hidden));
ui.keyPanel.addEventListener('submit', async (event) => {
  event.preventDefault();
  setApiKey(ui.keyInput.value.trim());
  if (await loadModels()) showKeyPanel(false);
});
ui.keyForget.addEventListener('click', () => {
  setApiKey('');
  ui.keyInput.value = '';
});
connectImageSources({ fileInput: ui.fileInput, dropZone: ui.composer }, attachments);

restoreSettings();
loadModels();
ui.message.focus();
