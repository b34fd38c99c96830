// The dashboards' test call: a RevosCall (/widget/revos-call.js) with its token from this page's session,
// and the call's transcript polled from its events while it lasts.
"use strict";

function testCall(panel) {
  const $ = (id) => document.getElementById(id);
  const start = $("call-start"), mute = $("call-mute"), hang = $("call-hangup"), status = $("call-status");
  const keys = panel.querySelectorAll("[data-key]");
  let call = null, poller = null;

  async function token() {
    const body = new URLSearchParams({ csrf: panel.dataset.csrf });
    const response = await fetch(`/ui/tenants/${panel.dataset.tenant}/test-call`, { method: "POST", body,
      credentials: "same-origin", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    if (!response.ok) throw new Error(`no call token (${response.status})`);
    return response.json();
  }

  function controls(live) {
    start.disabled = live;
    mute.disabled = hang.disabled = !live;
    for (const key of keys) key.disabled = !live;
  }

  function line(item) {
    const li = document.createElement("li");
    li.className = `say say-${item.speaker}`;
    for (const [cls, text] of [["say-time", new Date(item.at).toLocaleTimeString()], ["say-who", item.speaker],
                               ["say-text", item.text], ["say-note", item.note]]) {
      if (!text) continue;
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      li.appendChild(span);
    }
    return li;
  }

  async function poll(sid) {
    const response = await fetch(`/ui/calls/${encodeURIComponent(sid)}/live`, { credentials: "same-origin" });
    if (!response.ok) return;
    const live = await response.json();
    if (live.lines.length) $("call-transcript").replaceChildren(...live.lines.map(line));
    const captured = [];
    for (const [kind, value] of Object.entries(live.captured)) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = kind; dd.textContent = value;
      captured.push(dt, dd);
    }
    $("call-captured").replaceChildren(...captured);
    if (live.ended) { clearInterval(poller); poller = null; }
  }

  start.addEventListener("click", async () => {
    controls(true);
    call = new RevosCall(token);
    call.addEventListener("status", (e) => { status.textContent = e.detail.text; });
    call.addEventListener("connected", (e) => { status.textContent = `connected · call ${e.detail.callSid}`; });
    call.addEventListener("muted", (e) => { mute.textContent = e.detail.muted ? "Unmute" : "Mute"; });
    call.addEventListener("ended", (e) => {
      status.textContent = `call ended (${e.detail.reason})`;
      controls(false);
      const link = document.createElement("a");
      link.href = `/ui/calls/${encodeURIComponent(e.detail.callSid)}`;
      link.textContent = "open the call";
      $("call-link").replaceChildren(link);
      setTimeout(() => poll(e.detail.callSid), 1500);
    });
    try {
      const sid = await call.start();
      panel.dataset.callSid = sid;
      poller = setInterval(() => poll(sid), 700);
    } catch (error) {
      status.textContent = error.message;
      call.finish("error");
    }
  });
  mute.addEventListener("click", () => call && call.mute(!call.muted));
  hang.addEventListener("click", () => call && call.hangUp());
  for (const key of keys) key.addEventListener("click", () => call && call.press(key.dataset.key));
}

document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("test-call");
  if (panel) testCall(panel);
});
