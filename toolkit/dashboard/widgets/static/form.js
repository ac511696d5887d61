// The finding form: factor, level, evidence, source, rater; saved with Ctrl/Cmd+Enter.
//
// The browser owns what is typed. A save sends everything the person saw at that moment in
// one message and clears, at once, only what it consumed (the evidence and the level; the
// factor, source and rater stay), so the next finding can be typed while the last one is
// saving and two findings' text is never joined. If the kernel refuses a save, the finding
// comes back into the form when the form is still empty; otherwise it is kept in a "not
// saved" box with its own Retry, so nothing typed is lost. When the kernel says a retry may work
// (the store's server is away), the form offers a Retry beside the message too.
//
// The form's element carries what the kernel has answered (data-saved: findings confirmed
// saved, data-rejected: refused, data-pending: still waiting), so a page can tell that a save
// it sent has landed.

const LOST = "the page has lost its connection to the dashboard. Copy your text, then reload the page.";

function clock(date = new Date()) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function render({ model, el }) {
  const send = sender(model);
  const factors = model.get("factors");
  const levels = model.get("levels");
  const byId = new Map(factors.map((f) => [f.id, f]));
  const state = {
    factor: factors[0].id,
    level: null,
    editing: null,
    editingRater: "",
    seq: 0,
    pending: new Map(),
  };

  el.classList.add("tf-form");
  el.tabIndex = -1;
  const answered = { saved: 0, rejected: 0 };
  const count = () => {
    el.dataset.saved = String(answered.saved);
    el.dataset.rejected = String(answered.rejected);
    el.dataset.pending = String(state.pending.size);
  };
  count();
  const factorSelect = h("select", { class: "tf-input", "aria-label": "Factor", id: "tf-factor" });
  // The factor's name alone, so the closed list never cuts it at any width; how the factor fails
  // is the option's hover text and is shown under the form ("Fails as: ...").
  for (const f of factors) {
    factorSelect.append(h("option", { value: f.id, text: f.label, title: `Fails as: ${f.failure_mode}` }));
  }
  const levelButtons = levels.map((lv) =>
    h(
      "button",
      {
        type: "button",
        class: "tf-level-button",
        "data-level": String(lv.level),
        "aria-pressed": "false",
        "aria-label": `${lv.level} ${lv.name}`,
      },
      h("span", { class: "tf-level-digit", text: String(lv.level) }),
      h("span", { class: "tf-level-name", text: lv.name }),
    ),
  );
  const levelGroup = h("div", { class: "tf-levels", role: "group", "aria-label": "Level" }, ...levelButtons);
  const anchor = h("div", { class: "tf-anchor-box", "aria-live": "polite" });
  const evidence = h("textarea", {
    class: "tf-input tf-evidence",
    rows: "4",
    "aria-label": "Evidence",
    placeholder: "What was seen, heard or read: a quote, a number, a document. Ctrl+Enter saves.",
  });
  const source = h("select", { class: "tf-input", "aria-label": "Source" });
  for (const s of model.get("sources")) source.append(h("option", { value: s, text: s }));
  const rater = h("input", {
    class: "tf-input",
    type: "text",
    "aria-label": "Rater",
    autocomplete: "off",
  });
  const editNote = h("div", { class: "tf-edit-note", hidden: true });
  const addButton = h("button", { type: "button", class: "tf-primary", text: "Add finding" });
  const cancelButton = h("button", { type: "button", class: "tf-secondary", text: "Cancel edit", hidden: true });
  const status = h("div", { class: "tf-form-status", role: "status", "aria-live": "polite" });
  const retryButton = h("button", { type: "button", class: "tf-secondary tf-retry", text: "Retry", hidden: true });
  const failed = h("div", { class: "tf-failed" });
  const keys = h("div", {
    class: "tf-keys",
    text: "Keys: 0–4 choose the level (outside a text box) · Ctrl+Enter saves · Esc leaves the text box or the edit",
  });
  const row = (label, control) =>
    h("label", { class: "tf-field" }, h("span", { class: "tf-field-label", text: label }), control);
  el.append(
    h("div", { class: "tf-section", text: "Record a finding" }),
    row("Factor", factorSelect),
    levelGroup,
    anchor,
    editNote,
    row("Evidence", evidence),
    h("div", { class: "tf-pair" }, row("Source", source), row("Rater", rater)),
    h("div", { class: "tf-actions" }, addButton, cancelButton, status, retryButton),
    failed,
    keys,
  );

  // -- showing state -------------------------------------------------------------------------
  function say(text, tone = "info", retry = false) {
    status.textContent = text;
    status.dataset.tone = tone;
    retryButton.hidden = !retry;
  }

  function showAnchor() {
    const f = byId.get(state.factor);
    anchor.replaceChildren();
    if (state.level === null) {
      anchor.append(h("span", { class: "tf-muted", text: "Choose the level the evidence shows (keys 0–4)." }));
    } else {
      const name = levels[state.level].name;
      anchor.append(h("b", { text: `${state.level} ${name}: ` }), document.createTextNode(f.anchors[state.level]));
    }
    levelButtons.forEach((b, i) => {
      b.setAttribute("aria-pressed", String(i === state.level));
      b.title = f.anchors[i];
    });
  }

  function sendDraft() {
    send({ op: "draft", factor: state.factor, level: state.level, editing: state.editing });
  }

  function setLevel(level) {
    state.level = level;
    showAnchor();
  }

  function setFactor(id) {
    if (!byId.has(id)) return;
    state.factor = id;
    factorSelect.value = id;
    showAnchor();
  }

  function showEdit(finding) {
    state.editing = finding ? finding.id : null;
    state.editingRater = finding ? finding.rater : "";
    editNote.hidden = !finding;
    editNote.textContent = finding
      ? `Editing a finding recorded by ${finding.rater}; it stays theirs. Esc cancels.`
      : "";
    addButton.textContent = finding ? "Save changes" : "Add finding";
    cancelButton.hidden = !finding;
  }

  function leaveEdit() {
    if (state.editing === null) return;
    showEdit(null);
    evidence.value = "";
    setLevel(null);
    send({ op: "cancel_edit" });
    sendDraft();
  }

  function showPending() {
    const n = state.pending.size;
    if (n) say(n === 1 ? "Saving…" : `Saving ${n} findings…`, "info");
  }

  // -- saving --------------------------------------------------------------------------------
  function submit(draft = null) {
    const fresh = draft === null;
    const d = fresh
      ? {
          factor: state.factor,
          level: state.level,
          evidence: evidence.value,
          source: source.value,
          rater: rater.value.trim(),
          editing: state.editing,
          editingRater: state.editingRater,
        }
      : draft;
    const problems = [];
    if (d.level === null) problems.push("choose a level (0-4)");
    if (!d.evidence.trim()) problems.push("write the evidence");
    if (problems.length) {
      say(`Not saved: ${problems.join(" and ")}.`, "error");
      return;
    }
    d.seq = ++state.seq;
    if (!send({ op: "submit", ...d })) {
      if (!fresh) keepFailed(d, LOST);
      say(`Not saved: ${LOST}`, "error");
      return;
    }
    state.pending.set(d.seq, d);
    count();
    if (fresh) {
      evidence.value = "";
      setLevel(null);
      if (state.editing !== null) showEdit(null);
      sendDraft();
    }
    showPending();
  }

  function keepFailed(d, message) {
    const text = h("div", { class: "tf-failed-text", text: d.evidence });
    const box = h(
      "div",
      { class: "tf-failed-item" },
      h("div", { class: "tf-failed-why", text: `Not saved: ${message}` }),
      text,
      h("button", { type: "button", class: "tf-secondary", text: "Retry", onclick: () => { box.remove(); submit(d); } }),
      h("button", { type: "button", class: "tf-secondary", text: "Put in the form", onclick: () => { box.remove(); restore(d); } }),
    );
    failed.append(box);
  }

  function restore(d) {
    setFactor(d.factor);
    setLevel(d.level);
    source.value = d.source;
    evidence.value = d.evidence;
    if (d.editing) showEdit({ id: d.editing, rater: d.editingRater || "its rater" });
    sendDraft();
    evidence.focus();
  }

  model.on("msg:custom", (msg) => {
    if (msg.op === "saved") {
      state.pending.delete(msg.seq);
      answered.saved += 1;
      count();
      if (!state.pending.size) say(`✔ saved ${clock()}`, "ok");
    } else if (msg.op === "rejected") {
      const d = state.pending.get(msg.seq);
      state.pending.delete(msg.seq);
      answered.rejected += 1;
      count();
      if (!d) return;
      const untouched = !evidence.value.trim() && state.level === null && state.editing === null;
      if (untouched) {
        restore(d);
        const next = msg.retry ? "press Retry once it is back" : "";
        say(`Not saved: ${msg.message} Your finding is back in the form${next ? ": " + next : ""}.`, "error", msg.retry);
      } else {
        keepFailed(d, msg.message);
        say(`Not saved: ${msg.message}`, "error");
      }
    } else if (msg.op === "edit") {
      const f = msg.finding;
      setFactor(f.factor);
      setLevel(f.level);
      evidence.value = f.evidence;
      source.value = f.source;
      showEdit(f);
      sendDraft();
      evidence.focus();
    } else if (msg.op === "factor") {
      if (msg.factor !== state.factor) {
        setFactor(msg.factor);
        sendDraft();
      }
    } else if (msg.op === "cancel_edit") {
      if (state.editing !== null && state.editing === msg.id) leaveEdit();
    }
  });

  // -- the person's input ----------------------------------------------------------------------
  factorSelect.addEventListener("change", () => {
    setFactor(factorSelect.value);
    sendDraft();
  });
  levelButtons.forEach((b, i) =>
    b.addEventListener("click", () => {
      setLevel(i);
      sendDraft();
    }),
  );
  addButton.addEventListener("click", () => submit());
  retryButton.addEventListener("click", () => {
    retryButton.hidden = true;
    submit();
  });
  cancelButton.addEventListener("click", () => leaveEdit());

  // Signed in (a team's server): the rater is who signed in, shown and not typed; the kernel
  // credits them whatever a page sends.
  const signedIn = () => model.get("signed_in") || "";
  const stored = window.sessionStorage.getItem("tenfold.rater") || "";
  rater.value = signedIn() || stored;
  // Sent on every keystroke (a few bytes): whoever acts next is credited, even a moment later.
  rater.addEventListener("input", () => {
    if (signedIn()) return;
    window.sessionStorage.setItem("tenfold.rater", rater.value.trim());
    send({ op: "rater", rater: rater.value.trim() });
  });
  const setPlaceholder = () => {
    rater.placeholder = model.get("lead") ? `${model.get("lead")} (lead)` : "your name";
  };
  const setSignedIn = () => {
    const who = signedIn();
    rater.readOnly = Boolean(who);
    rater.classList.toggle("tf-signed-in", Boolean(who));
    rater.title = who ? `Signed in as ${who}: your findings are credited to you` : "";
    rater.setAttribute("aria-label", who ? "Rater (signed in)" : "Rater");
    if (who) rater.value = who;
  };
  model.on("change:lead", setPlaceholder);
  model.on("change:signed_in", setSignedIn);
  setPlaceholder();
  setSignedIn();

  const visible = () => el.offsetParent !== null;
  const onKey = (event) => {
    if (!visible()) return;
    const target = event.target instanceof Element ? event.target : null;
    const inForm = target !== null && el.contains(target);
    const typing = target !== null && target.matches(EDITABLE);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (inForm || !typing) {
        event.preventDefault();
        event.stopPropagation();
        submit();
      }
    } else if (event.key === "Escape") {
      if (state.editing !== null && (inForm || !typing)) {
        event.preventDefault();
        leaveEdit();
      } else if (inForm && typing) {
        event.preventDefault();
        el.focus();
      }
    } else if (/^[0-4]$/.test(event.key) && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      setLevel(Number(event.key));
      sendDraft();
      evidence.focus();
    }
  };
  // Capture phase: ipywidgets' own text boxes stop keydown from bubbling.
  document.addEventListener("keydown", onKey, true);

  setFactor(state.factor);
  send({ op: "ready", rater: rater.value.trim() });
  return () => document.removeEventListener("keydown", onKey, true);
}

export default { render };
