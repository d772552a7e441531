// The web simulator's page: talks to the JSON API in skill/simulator/web.py. No build step.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { session: null, turns: [], speaking: 0, devices: {}, lighting: 0 };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "testid") node.dataset.testid = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) throw new Error((body && body.error) || `HTTP ${response.status}`);
  return body;
}

// ---- talking ---------------------------------------------------------------------------

async function say(line) {
  showError("");
  const body = { line, locale: $("locale").value, session: state.session, device: $("device").value,
    grant: $("grant-reminders").checked ? ["reminders"] : [] };
  const user = $("user").value.trim();
  if (user) body.user = user;
  try {
    const result = await api("/api/turn", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    state.session = result.session;
    updateReplayLink();
    $("grant-reminders").checked = (result.grants || []).includes("reminders");
    if (result.turn) addTurn(result); else addDivider("new session");
    showPermissionAsk(result.turn);
    return result;
  } catch (error) {
    showError(error.message);
    if (/unknown or expired session/.test(error.message)) state.session = null;
    return null;
  }
}

// Alexa's permission question, while the skill waits for its answer (Connections.SendRequest).
function asksPermission(turn) {
  return Boolean(turn) && (turn.directives || []).some((d) => d.type === "Connections.SendRequest");
}

function showPermissionAsk(turn) {
  $("permission-ask").hidden = !asksPermission(turn);
}

function showReminders(reminders) {
  const rows = (reminders || []).map((r) => el("li", { testid: "reminder" },
    el("strong", {}, r.time), ` every day (${r.recurrence}): ${r.text}`));
  $("reminders").replaceChildren(...(rows.length ? rows : [el("li", { class: "muted" }, "none")]));
}

function addDivider(text) {
  $("transcript").append(el("li", { class: "divider" }, `— ${text} —`));
}

function addTurn(result) {
  const turn = result.turn;
  const index = state.turns.push(result) - 1;
  const heard = turn.intent || turn.request_type;
  const show = el("button", { type: "button", "aria-label": `Show details of turn ${index + 1}` }, "Details");
  show.addEventListener("click", () => select(index));
  const alexa = el("div", { class: "alexa" },
    el("div", { class: "meta" },
      el("span", { testid: "turn-intent" }, heard),
      el("span", {}, asksPermission(turn) ? "Alexa asks for permission"
        : turn.end_session ? "session ended" : "listening"),
      show),
    el("div", { testid: "turn-speech" }, turn.speech || "(silence)"));
  const card = el("div", { testid: "turn-card", class: turn.card ? "card" : "" });
  if (turn.card) card.append(el("strong", {}, turn.card.title), turn.card.text);
  alexa.append(card);
  const item = el("li", { class: "turn", testid: "turn" }, el("div", { class: "you" }, turn.utterance), alexa);
  $("transcript").append(item);
  item.scrollIntoView({ block: "nearest" });
  select(index);
  showScreen(result);
  showReminders(turn.reminders);
  speak(result.voice || [], result.request.request.locale);
}

function select(index) {
  const result = state.turns[index];
  const { turn, request, response } = result;
  document.querySelectorAll(".turn").forEach((node, i) => node.classList.toggle("selected", i === index));
  $("empty").hidden = true;
  $("details").hidden = false;
  $("d-intent").textContent = turn.intent || turn.request_type;
  $("d-session").textContent = asksPermission(turn) ? "paused: Alexa asks, then resumes it"
    : turn.end_session ? "ended" : "open, listening";
  const slots = (request.request.intent && request.request.intent.slots) || {};
  const slotRows = Object.values(slots).filter((s) => s.value != null).map((slot) => {
    const authority = ((slot.resolutions || {}).resolutionsPerAuthority || [])[0] || {};
    const match = ((authority.values || [])[0] || {}).value || {};
    return el("tr", {}, el("td", {}, slot.name), el("td", {}, slot.value),
      el("td", {}, match.id || "—"), el("td", {}, (authority.status || {}).code || "—"));
  });
  $("d-slots").replaceChildren(...(slotRows.length ? slotRows : [el("tr", {}, el("td", { colspan: "4" }, "none"))]));
  const considered = result.considered.map((c) => el("tr", {}, el("td", {}, c.intent),
    el("td", {}, c.score == null ? "—" : c.score.toFixed(3))));
  $("d-considered").replaceChildren(...(considered.length ? considered
    : [el("tr", {}, el("td", { colspan: "2" }, "none (no language understanding for this request)"))]));
  const directives = (turn.directives || []).map((d) => el("li", {},
    [d.type, d.name].filter(Boolean).join(" ")));
  $("d-directives").replaceChildren(...(directives.length ? directives : [el("li", {}, "none")]));
  $("d-speech").textContent = turn.speech || "(silence)";
  $("d-ssml").textContent = turn.ssml || "";
  $("d-reprompt").textContent = turn.reprompt || "none";
  const card = $("d-card");
  card.replaceChildren();
  if (turn.card) card.append(el("div", { class: "card" }, el("strong", {}, turn.card.title), turn.card.text));
  else card.textContent = "none";
  $("d-attributes").textContent = JSON.stringify(response.sessionAttributes || {}, null, 2);
  $("d-request").textContent = JSON.stringify(request, null, 2);
  $("d-response").textContent = JSON.stringify(response, null, 2);
}

// ---- the screen preview: what the RenderDocument's data sources say to show ----------------

function currentDevice() {
  return state.devices[$("device").value] || { screen: null };
}

function fitScreen() {
  const device = currentDevice();
  const screen = $("screen");
  const has = Boolean(device.screen);
  $("screen-none").hidden = has;
  screen.hidden = !has || !screen.childElementCount;
  if (!has) return;
  screen.style.aspectRatio = `${device.screen.width} / ${device.screen.height}`;
  screen.classList.toggle("round", device.screen.shape === "ROUND");
  screen.dataset.device = device.name;
}

function touchButton(touch, token, extra = {}) {
  const button = el("button", { type: "button", "aria-label": touch.label, testid: `touch-${touch.action}`, ...extra }, touch.text);
  button.addEventListener("click", () => touchScreen([touch.action, touch.id], token));
  return button;
}

async function touchScreen(args, token) {
  showError("");
  try {
    const result = await api("/api/event", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: state.session, arguments: args, token }),
    });
    addTurn(result);
  } catch (error) {
    showError(error.message);
  }
}

function showScreen(result) {
  const render = (result.turn.directives || []).find((d) => d.type === "Alexa.Presentation.APL.RenderDocument");
  const screen = $("screen");
  state.lighting += 1;
  if (!render || !currentDevice().screen) { fitScreen(); return; }
  const p = render.datasources.screen.properties;
  const kind = p.lead ? "warning" : p.steps ? "stretch" : "answer";
  screen.className = `screen ${kind}`;
  screen.dataset.kind = kind;
  screen.dataset.token = render.token;
  const parts = [];
  if (kind === "warning") {
    parts.push(el("p", { class: "s-lead", testid: "screen-lead", role: "alert" }, p.lead),
      el("p", { class: "s-text", testid: "screen-text" }, p.text),
      el("p", { class: "s-label" }, p.emergency_label),
      el("p", { class: "s-number", testid: "screen-number" }, p.emergency_number));
  } else {
    parts.push(el("div", { class: "s-header" },
      el("h3", { class: "s-headline", testid: "screen-headline" }, p.headline),
      p.place ? el("span", { class: "s-place", testid: "screen-place" }, p.place) : null));
    const body = el("div", { class: "s-body" });
    if (kind === "stretch") {
      body.append(el("p", { class: "s-hold", testid: "screen-hold" }, p.hold));
      const steps = el("ol", { class: "s-steps", testid: "screen-steps" },
        ...p.steps.map((step, i) => el("li", { "data-lit": String(i === 0) }, step.text)));
      body.append(steps, el("p", { class: "s-text" }, p.closing.text),
        el("div", { class: "s-buttons" }, touchButton(p.stop, render.token)));
      lightSteps(steps, p.steps);
    } else {
      body.append(el("p", { class: "s-text", testid: "screen-text" }, p.text));
      if (p.choices.length) {
        body.append(el("ul", { class: "s-choices", testid: "screen-choices" },
          ...p.choices.map((c) => el("li", {}, touchButton(c, render.token)))));
      }
    }
    parts.push(body);
    if (p.buttons && p.buttons.length) {
      parts.push(el("div", { class: "s-buttons", testid: "screen-buttons" }, ...p.buttons.map((b) => touchButton(b, render.token))));
    }
    if (p.hint) parts.push(el("p", { class: "s-hint", testid: "screen-hint" }, p.hint));
  }
  screen.replaceChildren(...parts);
  fitScreen();
}

// The lit step moves on as a device's SpeakList would: here after each step's words (about
// 0.35 s a word, an estimate) and its pause, since the page has no speech marks to follow.
function lightSteps(list, steps) {
  const run = state.lighting;
  let i = 0;
  const next = () => {
    if (run !== state.lighting || i >= steps.length) return;
    const words = steps[i].text.split(/\s+/).length;
    const pause = Number((steps[i].ssml.match(/time="(\d+)ms"/g) || []).reduce((sum, t) => sum + Number(t.match(/\d+/)[0]), 0));
    setTimeout(() => {
      if (run !== state.lighting) return;
      list.children[i].dataset.lit = "false";
      i += 1;
      if (i < steps.length) { list.children[i].dataset.lit = "true"; next(); }
    }, words * 350 + pause);
  };
  next();
}

// ---- voice out: committed clips, else the browser's speech synthesis ------------------

function stopSpeaking() {
  state.speaking += 1;
  if (state.audio) { state.audio.pause(); state.audio = null; }
  if (window.speechSynthesis) window.speechSynthesis.cancel();
}

function playClip(url, run) {
  return new Promise((resolve) => {
    const audio = new Audio(url);
    state.audio = audio;
    audio.addEventListener("ended", resolve);
    audio.addEventListener("error", resolve);
    audio.play().catch(resolve);
    const check = setInterval(() => { if (run !== state.speaking) { clearInterval(check); resolve(); } }, 200);
    audio.addEventListener("ended", () => clearInterval(check));
  });
}

function speakText(text, locale) {
  return new Promise((resolve) => {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) return resolve();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = locale;
    utterance.onend = resolve;
    utterance.onerror = resolve;
    window.speechSynthesis.speak(utterance);
  });
}

async function speak(plan, locale) {
  stopSpeaking();
  if ($("mute").checked) return;
  const run = state.speaking;
  for (const part of plan) {
    if (run !== state.speaking) return;
    if (part.clip) await playClip(part.clip, run);
    else if (part.pause) await new Promise((resolve) => setTimeout(resolve, part.pause * 1000));
    else await speakText(part.text, locale);
  }
}

// ---- voice in: the browser's speech recognition, where there is one --------------------

function setUpMic() {
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  const mic = $("mic");
  if (!Recognition) return;
  mic.hidden = false;
  let listening = null;
  mic.addEventListener("click", () => {
    if (listening) { listening.stop(); return; }
    const recognition = new Recognition();
    recognition.lang = $("locale").value;
    recognition.interimResults = false;
    recognition.onresult = (event) => {
      const text = event.results[0][0].transcript;
      $("utterance").value = text;
      $("say").requestSubmit();
    };
    recognition.onerror = (event) => showError(`Speech recognition: ${event.error}`);
    recognition.onend = () => { listening = null; mic.setAttribute("aria-pressed", "false"); };
    listening = recognition;
    mic.setAttribute("aria-pressed", "true");
    recognition.start();
  });
}

// ---- record, replay, evaluate -------------------------------------------------------------

function updateReplayLink() {
  const link = $("download-replay");
  if (state.session) {
    link.href = `/api/replay?session=${encodeURIComponent(state.session)}`;
    link.setAttribute("aria-disabled", "false");
  } else {
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
  }
}

function resetConversation(note) {
  stopSpeaking();
  state.session = null;
  showPermissionAsk(null);
  updateReplayLink();
  if (note) addDivider(note);
}

async function playReplay(file) {
  showError("");
  try {
    const result = await api("/api/replay", { method: "POST", body: await file.text() });
    $("locale").value = result.locale;
    resetConversation(`replay of ${file.name}`);
    state.session = result.session;
    updateReplayLink();
    for (const turn of result.turns) {
      if (turn.turn) addTurn(turn); else addDivider("new session");
    }
    const last = result.turns[result.turns.length - 1];
    showPermissionAsk(last && last.turn);
    if (last) $("grant-reminders").checked = (last.grants || []).includes("reminders");
  } catch (error) {
    showError(`Replay: ${error.message}`);
  }
}

async function evaluate(file) {
  showError("");
  const box = $("evaluation");
  try {
    const locale = encodeURIComponent($("locale").value);
    const result = await api(`/api/evaluate?locale=${locale}`, { method: "POST", body: await file.text() });
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    const rows = result.per_intent.map((r) => el("tr", {}, el("td", {}, r.intent),
      el("td", {}, `${r.passed}/${r.total}`), el("td", {}, pct(r.accuracy))));
    const misses = result.misses.map((m) => el("tr", {}, el("td", {}, m.utterance),
      el("td", {}, m.expected), el("td", {}, m.got)));
    box.replaceChildren(
      el("p", { testid: "accuracy" }, el("strong", {}, `Accuracy ${pct(result.accuracy)}`),
        ` (${result.passed} of ${result.total}, ${result.locale})`),
      el("table", { class: "grid", testid: "per-intent" },
        el("caption", { class: "visually-hidden" }, "Accuracy per intent"),
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Expected intent"),
          el("th", { scope: "col" }, "Passed"), el("th", { scope: "col" }, "Accuracy"))),
        el("tbody", {}, ...rows)),
      el("h3", {}, `Misses (${result.misses.length})`),
      el("table", { class: "grid", testid: "misses" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Utterance"),
          el("th", { scope: "col" }, "Expected"), el("th", { scope: "col" }, "Got"))),
        el("tbody", {}, ...misses)));
    box.hidden = false;
  } catch (error) {
    box.hidden = true;
    showError(`Evaluation: ${error.message}`);
  }
}

// ---- wiring ----------------------------------------------------------------------------

async function start() {
  const { devices, default: device } = await api("/api/devices");
  const picker = $("device");
  for (const d of devices) {
    state.devices[d.name] = d;
    picker.append(el("option", { value: d.name }, d.label));
  }
  picker.value = device;
  picker.addEventListener("change", () => {
    $("screen").replaceChildren();
    fitScreen();
    resetConversation(`device ${state.devices[picker.value].label}`);
  });
  fitScreen();
  const { locales, default: fallback } = await api("/api/locales");
  const select = $("locale");
  for (const locale of locales) select.append(el("option", { value: locale }, locale));
  select.value = locales.includes(fallback) ? fallback : locales[0];
  select.addEventListener("change", () => resetConversation(`locale ${select.value}`));
  $("user").addEventListener("change", () => { if (state.session) resetConversation("new user"); });
  $("new-session").addEventListener("click", async () => {
    stopSpeaking();
    if (state.session) await say(".new"); else addDivider("new session");
    $("utterance").focus();
  });
  $("say").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("utterance");
    const line = input.value.trim();
    if (!line) return;
    input.value = "";
    await say(line);
    input.focus();
  });
  $("mute").addEventListener("change", () => { if ($("mute").checked) stopSpeaking(); });
  $("permission-accept").addEventListener("click", () => say(".accept"));
  $("permission-deny").addEventListener("click", () => say(".deny"));
  $("replay-file").addEventListener("change", (event) => {
    if (event.target.files[0]) playReplay(event.target.files[0]);
    event.target.value = "";
  });
  $("evaluate-file").addEventListener("change", (event) => {
    if (event.target.files[0]) evaluate(event.target.files[0]);
    event.target.value = "";
  });
  document.querySelectorAll("button.copy").forEach((button) => button.addEventListener("click", async () => {
    const text = $(button.dataset.copy).textContent;
    try { await navigator.clipboard.writeText(text); button.textContent = "Copied"; }
    catch { button.textContent = "Select and copy"; }
  }));
  setUpMic();
  document.body.dataset.ready = "true";
}

start().catch((error) => showError(`Cannot start: ${error.message}`));
