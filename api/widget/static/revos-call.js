// A browser call into a Revenue OS voice agent over WebRTC (no library, nothing fetched but our own routes).
// getToken() returns {token, call_sid, offer_url, ice_servers} from the API; the offer goes to the voice worker
// with the token, the agent's audio plays from the answer's track, keys and hangups go over the data channel.
"use strict";

class RevosCall extends EventTarget {
  constructor(getToken) {
    super();
    this.getToken = getToken;
    this.callSid = null;
    this.muted = false;
    this.ended = false;
    this.audio = new Audio();
    this.audio.autoplay = true;
  }

  say(state, detail) {
    this.dispatchEvent(new CustomEvent(state, { detail: detail || {} }));
  }

  async start() {
    this.say("status", { text: "asking for the microphone" });
    this.mic = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    const grant = await this.getToken();
    this.callSid = grant.call_sid;
    this.pc = new RTCPeerConnection({ iceServers: (grant.ice_servers || []).map((urls) => ({ urls })) });
    this.channel = this.pc.createDataChannel("revos");
    this.channel.onmessage = (event) => this.onMessage(event.data);
    for (const track of this.mic.getAudioTracks()) this.pc.addTrack(track, this.mic);
    this.pc.ontrack = (event) => {
      this.audio.srcObject = event.streams[0] || new MediaStream([event.track]);
      this.audio.play().catch(() => this.say("status", { text: "click the page to hear the agent" }));
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === "connected") this.say("connected", { callSid: this.callSid });
      if (state === "failed" || state === "disconnected") this.finish(state);
    };
    this.say("status", { text: "connecting" });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await gathered(this.pc);
    const response = await fetch(grant.offer_url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ type: "offer", sdp: this.pc.localDescription.sdp, token: grant.token }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.message || `the voice worker refused the call (${response.status})`);
    await this.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    return this.callSid;
  }

  onMessage(data) {
    let message = null;
    try { message = JSON.parse(data); } catch (error) { return; }
    if (message && message.type === "ended") this.finish(message.reason);
  }

  mute(on) {
    this.muted = on;
    for (const track of this.mic ? this.mic.getAudioTracks() : []) track.enabled = !on;
    this.say("muted", { muted: on });
  }

  press(digit) {
    if (this.channel && this.channel.readyState === "open") this.channel.send(JSON.stringify({ type: "dtmf", digit }));
  }

  hangUp() {
    if (this.channel && this.channel.readyState === "open") this.channel.send(JSON.stringify({ type: "hangup" }));
    setTimeout(() => this.finish("hung up"), 300);
  }

  finish(reason) {
    if (this.ended) return;
    this.ended = true;
    for (const track of this.mic ? this.mic.getTracks() : []) track.stop();
    if (this.pc) this.pc.close();
    this.audio.srcObject = null;
    this.say("ended", { reason, callSid: this.callSid });
  }
}

// aiortc takes no trickled candidates: the offer goes once gathering is complete (or after 3 s, with what it has).
function gathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === "complete") resolve(); };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 3000);
  });
}
