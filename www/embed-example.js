// Fit each frame of the rare earths page to the height it reports. Only messages from
// the frame's own window and of the expected shape are taken.
addEventListener("message", (e) => {
  if (!e.data || e.data.type !== "rare-earths:height" || !Number.isFinite(e.data.height)) return;
  for (const frame of document.querySelectorAll("iframe")) {
    if (frame.contentWindow === e.source) frame.style.height = `${Math.min(10000, Math.max(100, e.data.height))}px`;
  }
});
