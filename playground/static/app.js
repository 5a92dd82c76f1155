// The playground page: fetch rendered HTML panes, send what the person does, follow SSE.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { user: null, pane: null, paneTitle: "", thread: null, people: [], channels: [], modalErrors: {}, hints: [], unread: new Set(), seq: { pane: 0, thread: 0, modal: 0, channels: 0 } };

async function getJSON(url) { const r = await fetch(url); return r.json(); }
async function post(url, body) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return r.json();
}
function toast(text) {
  const t = $("#toast"); t.textContent = text; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 3000);
}
function q(params) { return new URLSearchParams(params).toString(); }

async function start() {
  // Listen before the first await, so nothing typed or clicked early is lost.
  $("#composer").addEventListener("submit", sendComposer);
  document.addEventListener("click", onClick);
  document.addEventListener("change", onChange);
  const events = new EventSource("/pg/events");
  events.onmessage = (e) => onEvent(JSON.parse(e.data));
  const info = await getJSON("/pg/state");
  state.people = [...info.people, ...(info.others || [])];
  const who = $("#who");
  // One person per level (whoever is on call now, so pages land in their DMs), then the rest.
  const onCall = document.createElement("optgroup");
  onCall.label = "On call now, one per level";
  for (const p of info.people) onCall.append(new Option(`${p.name} — ${p.role}`, p.id));
  who.append(onCall);
  if (info.others && info.others.length) {
    const others = document.createElement("optgroup");
    others.label = "Everyone else";
    for (const p of info.others) others.append(new Option(p.role ? `${p.name} — ${p.role}` : p.name, p.id));
    who.append(others);
  }
  state.user = info.people[0] && info.people[0].id;
  who.addEventListener("change", () => { state.user = who.value; markUnread(); refreshAll(); });
  setUpComposer(info.hints || info.commands.map((command) => ({ command, description: "", usage: "" })));
  showChannels(info.channels);
  const dms = $("#dms");
  dms.append(paneLink("dm", "supportbot (your DM)"));
  const badge = document.createElement("span");
  badge.className = "unread"; badge.id = "dm-unread"; badge.textContent = "new"; badge.hidden = true;
  dms.querySelector("a").append(badge);
  $("#home-link").addEventListener("click", (e) => { e.preventDefault(); showPane("home", "supportbot — App Home"); });
  if (info.demo) setUpDemo(info.demo);
  const jobs = await getJSON("/pg/jobs");
  for (const j of jobs) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.className = "job-run"; b.dataset.job = j.name; b.title = j.schedule;
    b.textContent = `▶ ${j.title}`;
    b.addEventListener("click", async () => { const r = await post(`/pg/jobs/${encodeURIComponent(j.name)}`, {}); toast(r.ok ? r.said : `Failed: ${r.error}`); });
    li.append(b); $("#jobs").append(li);
  }
  $("#thread-close").addEventListener("click", () => { state.thread = null; $("#thread").hidden = true; });
  showPane(info.channels[0].id, `# ${info.channels[0].name}`);
}

// The demo site's switch: down, the demo monitor fails, alerts and opens an incident; up, it recovers.
function setUpDemo(demo) {
  $("#demo-monitor").textContent = demo.monitor;
  const show = (up) => {
    $("#demo-state").textContent = up ? "up" : "down";
    $("#demo").dataset.up = up ? "true" : "false";
    $("#demo-switch").textContent = up ? "Take it down" : "Bring it back up";
  };
  show(demo.up);
  $("#demo-switch").addEventListener("click", async () => {
    const r = await post("/pg/demo-target/switch", { up: $("#demo").dataset.up !== "true" });
    if (!r.ok) { toast(`Failed: ${r.error}`); return; }
    show(r.up);
    toast(r.up ? `${r.monitor} is back up: watch it recover.` : `${r.monitor} is down: an alert after three failed checks (about 30 s).`);
  });
}

function showChannels(channels) {
  // The plan's channels and those the bot created since (an incident's own channel).
  state.channels = channels;
  const list = $("#channels");
  list.replaceChildren(...channels.map((c) => paneLink(c.id, `# ${c.name}`)));
  list.querySelectorAll("a[data-pane]").forEach((a) => a.classList.toggle("active", a.dataset.pane === state.pane));
}

async function refreshChannels() {
  const seq = ++state.seq.channels;
  const info = await getJSON("/pg/state");
  if (seq === state.seq.channels) showChannels(info.channels);
}

function knownChannel(id) { return state.channels.some((c) => c.id === id); }

async function openChannel(id, shown) {
  // A channel mention is a link, as in Slack: to a channel the sidebar may not list yet.
  if (!knownChannel(id)) await refreshChannels();
  const channel = state.channels.find((c) => c.id === id);
  showPane(id, channel ? `# ${channel.name}` : shown.replace(/^#\s*/, "# "));
}

function paneLink(id, label) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = "#"; a.dataset.pane = id; a.textContent = label;
  a.addEventListener("click", (e) => { e.preventDefault(); showPane(id, label); });
  li.append(a); return li;
}

function setUpComposer(hints) {
  // Slack offers the app's commands as you type "/": a datalist, and the usage of the one typed.
  state.hints = hints;
  const list = $("#commands");
  for (const h of hints) {
    const option = document.createElement("option");
    option.value = h.command;
    option.label = h.description ? `${h.command} — ${h.description}` : h.command;
    list.append(option);
  }
  const input = $("#composer-text");
  input.addEventListener("input", showUsage);
  showUsage();
}

function showUsage() {
  const typed = $("#composer-text").value.trim().split(/\s+/)[0];
  const hint = state.hints.find((h) => h.command === typed) || null;
  const box = $("#composer-hint");
  if (hint) box.textContent = `${hint.command} ${hint.usage}`.trim() + (hint.description ? ` — ${hint.description}` : "");
  else box.textContent = `Commands: ${state.hints.map((h) => h.command).join(" · ")}`;
}

function markUnread() {
  // A new DM for someone: a badge on the DM link (for the person you are) and on their name.
  if (state.pane === "dm") state.unread.delete(state.user);
  $("#dm-unread").hidden = !state.unread.has(state.user);
  for (const option of $("#who").options) {
    const person = state.people.find((p) => p.id === option.value);
    if (!person) continue;
    const label = person.role ? `${person.name} — ${person.role}` : person.name;
    // Your own new DM is the badge on your DM link: the picker shows your name whole.
    const unread = state.unread.has(option.value) && option.value !== state.user;
    option.textContent = unread ? `● ${label} (new DM)` : label;
  }
  const who = $("#who");
  who.title = who.selectedOptions.length ? who.selectedOptions[0].textContent : "";
}

function showPane(id, title) {
  state.pane = id; state.paneTitle = title;
  markUnread();
  document.querySelectorAll("#sidebar a[data-pane]").forEach((a) => a.classList.toggle("active", a.dataset.pane === id));
  $("#pane-title").textContent = title;
  $("#composer").hidden = id === "home";
  refreshPane(id === "home");
}

async function refreshPane(openHome) {
  if (!state.pane) return;
  const url = state.pane === "home"
    ? `/pg/home?${q({ user: state.user, open: openHome ? "1" : "0" })}`
    : `/pg/pane?${q({ user: state.user, channel: state.pane })}`;
  const seq = ++state.seq.pane;
  const html = await (await fetch(url)).text();
  // Only the latest refresh counts: an older answer (another pane, another person) that
  // arrives late must not replace what was asked for since.
  if (seq !== state.seq.pane) return;
  const box = $("#messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = html;
  if (atBottom) box.scrollTop = box.scrollHeight;
}

async function refreshThread() {
  if (!state.thread) return;
  const seq = ++state.seq.thread;
  const html = await (await fetch(`/pg/thread?${q({ user: state.user, ...state.thread })}`)).text();
  if (seq !== state.seq.thread) return;
  $("#thread-messages").innerHTML = html;
}

async function refreshModal() {
  const seq = ++state.seq.modal;
  const html = await (await fetch(`/pg/modal?${q({ user: state.user, errors: JSON.stringify(state.modalErrors) })}`)).text();
  if (seq !== state.seq.modal) return;
  const modal = $("#modal");
  modal.innerHTML = html;
  modal.hidden = !html.trim();
  if (!html.trim()) state.modalErrors = {};
  const form = modal.querySelector("form");
  if (form) form.addEventListener("submit", submitModal);
}

function refreshAll() { refreshPane(false); refreshThread(); refreshModal(); }

function onEvent(ev) {
  if (ev.type === "message" && ev.dm_for) { state.unread.add(ev.dm_for); markUnread(); }
  const postedIn = typeof ev.channel === "string" && ev.channel.startsWith("C") ? ev.channel : null;
  if (ev.type === "channel_created" || (postedIn && !knownChannel(postedIn))) refreshChannels();
  if (ev.type && ev.type.startsWith("view") || ev.type === "home_published") {
    if (ev.type === "home_published" && state.pane === "home") refreshPane(false);
    else refreshModal();
    return;
  }
  refreshPane(false);
  refreshThread();
}

async function sendComposer(e) {
  e.preventDefault();
  if (!state.user || !state.pane) return;
  const input = $("#composer-text");
  const text = input.value.trim();
  if (!text) return;
  if (!text.startsWith("/")) { toast("The bot listens to slash commands: try /incident help"); return; }
  input.value = ""; showUsage();
  const r = await post("/pg/command", { user: state.user, channel: state.pane, text });
  if (!r.ok && r.error !== "unknown_command") toast(`The bot answered HTTP ${r.status}`);
}

function actionFrom(el) {
  const action = { action_id: el.dataset.actionId, block_id: el.dataset.blockId, type: el.dataset.type };
  if (el.dataset.value !== undefined) action.value = el.dataset.value;
  return action;
}

function target(el) {
  const view = el.closest("[data-view-id]");
  if (view) return { view_id: view.dataset.viewId };
  const msg = el.closest("[data-ts]");
  return { channel: msg.dataset.channel, ts: msg.dataset.ts };
}

async function onClick(e) {
  const replies = e.target.closest("[data-thread-ts]");
  if (replies) {
    e.preventDefault();
    const msg = replies.closest("[data-channel]");
    state.thread = { channel: msg.dataset.channel, ts: replies.dataset.threadTs };
    $("#thread").hidden = false; refreshThread(); return;
  }
  const mention = e.target.closest(".mention-channel[data-id]");
  if (mention) { e.preventDefault(); await openChannel(mention.dataset.id, mention.textContent); return; }
  const close = e.target.closest("[data-close-view]");
  if (close) { e.preventDefault(); await post("/pg/close", { view_id: close.closest("[data-view-id]").dataset.viewId }); state.modalErrors = {}; refreshModal(); return; }
  const el = e.target.closest("button[data-action-id]");
  if (!el) return;
  e.preventDefault();
  if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) return;
  await post("/pg/action", { user: state.user, action: actionFrom(el), ...target(el) });
}

async function onChange(e) {
  // Selects, checkboxes and radios outside a modal's inputs act at once, as in Slack.
  const el = e.target.closest("[data-action-id]");
  if (!el || el.closest(".input-block")) return;
  const action = actionFrom(el);
  const option = (input) => ({ value: input.value, text: { type: "plain_text", text: input.dataset.label || input.value } });
  if (el.tagName === "SELECT") {
    const opt = el.selectedOptions[0];
    action.selected_option = { value: opt.value, text: { type: "plain_text", text: opt.textContent } };
  } else if (e.target.type === "checkbox") {
    action.selected_options = [...el.querySelectorAll("input:checked")].map(option);
  } else if (e.target.type === "radio") {
    action.selected_option = option(e.target);
  } else return;
  await post("/pg/action", { user: state.user, action, ...target(el) });
}

function formValues(form) {
  // state.values as Slack builds it: {block_id: {action_id: {...}}}, from inputs named
  // "block_id.action_id" (FormData skips the detached radio groups of non-input blocks).
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.getAttribute("form") === "pg-detached") continue;
    const cut = el.name.lastIndexOf(".");
    const block = el.name.slice(0, cut), action = el.name.slice(cut + 1);
    const holder = el.closest("[data-type]");
    const type = (holder && holder.dataset.type) || el.dataset.type || "plain_text_input";
    values[block] = values[block] || {};
    const slot = values[block][action] || (values[block][action] = { type });
    const option = (o) => ({ value: o.value, text: { type: "plain_text", text: o.dataset.label || o.textContent || o.value } });
    if (type === "users_select") slot.selected_user = el.value || null;
    else if (type === "multi_users_select") slot.selected_users = [...el.selectedOptions].map((o) => o.value);
    else if (type.startsWith("multi_")) slot.selected_options = [...el.selectedOptions].map(option);
    else if (type === "static_select" || type === "overflow") slot.selected_option = el.value ? option(el.selectedOptions[0]) : null;
    else if (type === "checkboxes") { slot.selected_options = slot.selected_options || []; if (el.checked) slot.selected_options.push(option(el)); }
    else if (type === "radio_buttons") { if (el.checked) slot.selected_option = option(el); else if (!("selected_option" in slot)) slot.selected_option = null; }
    else if (type === "datepicker") slot.selected_date = el.value || null;
    else slot.value = el.value === "" ? null : el.value;
  }
  return values;
}

async function submitModal(e) {
  e.preventDefault();
  const form = e.target;
  const r = await post("/pg/submit", { user: state.user, view_id: form.dataset.viewId, values: formValues(form) });
  state.modalErrors = r.errors || {};
  refreshModal();
}

start();
