// The page and the kernel: what the URL asks for, how much room the radar has, present-mode keys.
//
// When the page draws this (invisible) widget it sends the URL's query string, so a reload or
// a second tab reopens the engagement and factor named there; the kernel answers with the
// query string to show (history.replaceState, no reload). The size of the radar's column and of
// the window is sent on opening and whenever it changes, so the radar fills the room it has.
// The room last sent is written on the page (data-tf-room on <html>, in the words of the radar's
// stamp), and data-tf-measuring is set while a new measure waits to be sent. When the page goes
// away the kernel is told, so it stops what it runs for this page.

const roomKey = (s) => `${s.width}x${s.height} column ${s.column_width} at ${s.column_top}`;

function render({ model, el }) {
  const send = sender(model);
  el.style.display = "none";
  // The element that scrolls the page: Voila's template scrolls an inner panel, not the body.
  const scroller = (node) => {
    for (let e = node ? node.parentElement : null; e; e = e.parentElement) {
      const y = getComputedStyle(e).overflowY;
      if ((y === "auto" || y === "scroll") && e.scrollHeight > e.clientHeight) return e;
    }
    return document.scrollingElement;
  };
  const measure = () => {
    const column = document.querySelector(model.get("measure"));
    const box = column ? column.getBoundingClientRect() : null;
    const pane = scroller(column);
    const paneTop = pane === document.scrollingElement ? 0 : pane.getBoundingClientRect().top;
    return {
      width: window.innerWidth,
      height: Math.round(paneTop + pane.clientHeight),
      column_width: box ? Math.round(box.width) : 0,
      column_top: box ? Math.round(box.top + pane.scrollTop) : 0,
    };
  };
  let last = "";
  let timer = null;
  const root = document.documentElement;
  const sent = (size) => {
    last = JSON.stringify(size);
    root.dataset.tfRoom = roomKey(size);
  };
  // Something moved: measure again once the layout has settled (120 ms), and send what changed.
  // The first room is sent at once: the radar waits for it before it is shown.
  const report = () => {
    clearTimeout(timer);
    root.dataset.tfMeasuring = "1";
    const settle = last === "" ? 0 : 120;
    timer = setTimeout(() => {
      timer = null;
      const size = measure();
      const key = JSON.stringify(size);
      if (key !== last && size.column_width > 0 && send({ event: "size", ...size })) sent(size);
      delete root.dataset.tfMeasuring;
    }, settle);
  };
  const observer = new ResizeObserver(report);
  let watched = null;
  // Twice a second: the column may be new (an engagement opened) or have moved down the page
  // (a line appeared above it), which no resize event reports.
  const watch = () => {
    const column = document.querySelector(model.get("measure"));
    if (column && column !== watched) {
      if (watched) observer.unobserve(watched);
      observer.observe(column);
      watched = column;
    }
    const size = measure();
    if (timer === null && size.column_width > 0 && JSON.stringify(size) !== last) report();
  };
  const poll = setInterval(watch, 500);
  window.addEventListener("resize", report);

  model.on("msg:custom", (msg) => {
    if (msg.op === "url") {
      const url = window.location.pathname + msg.search + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
    } else if (msg.op === "measure") {
      last = "";
      watch();
    } else if (msg.op === "scroll") {
      const target = document.querySelector(msg.selector);
      if (target) target.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  });
  const setTitle = () => {
    if (model.get("title")) document.title = model.get("title");
  };
  model.on("change:title", setTitle);
  setTitle();

  const onKey = (event) => {
    if (!model.get("present")) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.matches(EDITABLE)) return;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step) {
      event.preventDefault();
      send({ event: "step", delta: step });
    } else if (event.key === "Escape") {
      event.preventDefault();
      send({ event: "present", value: false });
    }
  };
  document.addEventListener("keydown", onKey, true);

  let gone = false;
  const closed = () => {
    if (!gone) gone = send({ event: "closed" });
  };
  window.addEventListener("pagehide", closed);

  const first = measure();
  if (send({ event: "opened", search: window.location.search, ...first }) && first.column_width > 0) {
    sent(first);
  }
  // Until a first room is sent (the column is drawn a moment after this widget), look for the
  // column at every frame rather than twice a second, for the first ten seconds.
  const until = performance.now() + 10000;
  const early = () => {
    if (last !== "" || gone || performance.now() > until) return;
    watch();
    requestAnimationFrame(early);
  };
  requestAnimationFrame(early);
  return () => {
    closed();
    clearInterval(poll);
    clearTimeout(timer);
    observer.disconnect();
    window.removeEventListener("resize", report);
    window.removeEventListener("pagehide", closed);
    document.removeEventListener("keydown", onKey, true);
  };
}

export default { render };
