// The "talk to us" widget: a button on the tenant's page that calls its agent from the browser.
// Embed: <script src="https://<revenue os>/widget/talk.js" data-widget="wgt_..." defer></script>
// (served after revos-call.js, in one file). Styles are set through the CSSOM, so a strict host CSP holds.
"use strict";

(function () {
  const script = document.currentScript || document.querySelector("script[data-widget]");
  if (!script || !script.dataset.widget) return;
  const base = new URL(script.src, location.href).origin;
  const widget = script.dataset.widget;

  function el(tag, text, style) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.assign(node.style, style || {});
    return node;
  }

  const button = { font: "inherit", padding: "0.5em 1em", borderRadius: "999px", border: "0", cursor: "pointer" };
  const box = el("div", "", { position: "fixed", right: "1em", bottom: "1em", zIndex: "2147483000",
    display: "flex", gap: "0.5em", alignItems: "center", fontFamily: "system-ui, sans-serif",
    background: "#fff", padding: "0.5em", borderRadius: "999px", boxShadow: "0 2px 12px rgba(0,0,0,.2)" });
  box.dataset.revosWidget = widget;
  const talk = el("button", script.dataset.label || "Talk to us", { ...button, background: "#0b6e4f", color: "#fff" });
  const mute = el("button", "Mute", { ...button, display: "none" });
  const hang = el("button", "Hang up", { ...button, display: "none", background: "#b3261e", color: "#fff" });
  const status = el("span", "", { fontSize: "0.85em", color: "#444", padding: "0 0.5em" });
  talk.dataset.action = "talk"; mute.dataset.action = "mute"; hang.dataset.action = "hangup";
  status.dataset.role = "status";
  box.append(talk, mute, hang, status);

  let call = null;
  async function token() {
    const response = await fetch(`${base}/widget/${encodeURIComponent(widget)}/webrtc-token`, { method: "POST" });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || "calls are not available right now");
    return body;
  }

  function inCall(on) {
    talk.style.display = on ? "none" : "";
    mute.style.display = hang.style.display = on ? "" : "none";
  }

  talk.addEventListener("click", async () => {
    call = new RevosCall(token);
    call.addEventListener("status", (e) => { status.textContent = e.detail.text; });
    call.addEventListener("connected", () => { status.textContent = "connected"; });
    call.addEventListener("muted", (e) => { mute.textContent = e.detail.muted ? "Unmute" : "Mute"; });
    call.addEventListener("ended", () => { status.textContent = "call ended"; inCall(false); });
    inCall(true);
    try { await call.start(); } catch (error) { status.textContent = error.message; call.finish("error"); }
  });
  mute.addEventListener("click", () => call && call.mute(!call.muted));
  hang.addEventListener("click", () => call && call.hangUp());

  const mount = () => document.body.appendChild(box);
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
