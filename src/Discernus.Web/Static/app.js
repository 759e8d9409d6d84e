// Discernus serve: the little the pages do in the browser. Everything works without it; it adds live updates.
"use strict";

// Live progress of a run in flight: server-sent events from the run's state; the page reloads when the run ends.
function followProgress(element) {
  const source = new EventSource(element.dataset.events);
  source.addEventListener("progress", (event) => {
    const progress = JSON.parse(event.data);
    element.textContent = progress.text;
    if (progress.final) {
      source.close();
      window.setTimeout(() => window.location.reload(), 500);
    }
  });
  source.onerror = () => {
    // The stream ends after the final event; the browser would reconnect otherwise.
    if (source.readyState === EventSource.CLOSED) {
      return;
    }
    source.close();
  };
}

// Live agreement: the panel is re-rendered by the server and replaced in place every few seconds.
function refreshAgreement(panel) {
  const url = panel.dataset.refresh;
  window.setInterval(async () => {
    if (document.hidden) {
      return;
    }
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } });
      if (!response.ok) {
        return;
      }
      const html = await response.text();
      const next = new DOMParser().parseFromString(html, "text/html").getElementById("agreement");
      if (next) {
        panel.replaceChildren(...next.childNodes);
      }
    } catch (error) {
      // A server that went away: keep the last numbers on screen.
    }
  }, 4000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-events]").forEach(followProgress);
  document.querySelectorAll("#agreement[data-refresh]").forEach(refreshAgreement);
});
