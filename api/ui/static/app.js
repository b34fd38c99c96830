// Revenue OS dashboards: the little the pages need from the browser (no framework, nothing fetched).
"use strict";

function span(seconds) {
  const s = Math.floor(Math.abs(seconds));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min`;
  return `${s} s`;
}

// Time left on a draft counts down where it is shown.
function tick() {
  for (const el of document.querySelectorAll("[data-expires]")) {
    const left = (Date.parse(el.dataset.expires) - Date.now()) / 1000;
    el.textContent = left > 0 ? `${span(left)} left` : `expired ${span(left)} ago`;
  }
}

// Final decisions ask once more before they are sent.
function confirmations() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

// A transcript line with a recording offset plays the call's recording from there.
function seeking() {
  const audio = document.querySelector("audio[data-test=recording]");
  if (!audio) return;
  for (const line of document.querySelectorAll("[data-offset]")) {
    line.classList.add("seekable");
    line.addEventListener("click", () => {
      audio.currentTime = Number(line.dataset.offset);
      audio.play();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  confirmations();
  seeking();
  if (document.querySelector("[data-expires]")) {
    tick();
    setInterval(tick, 1000);
  }
});
