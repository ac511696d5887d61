// The consensus board: per factor, every rater's level beside their evidence, the spread, the
// agreement (r_wg) and the median of the rater levels, and the consensus level recorded in place.

const number = (v) => (v === null || v === undefined ? "–" : String(Math.round(v * 100) / 100));

function render({ model, el }) {
  const send = sender(model);
  el.classList.add("tf-board");
  const levels = model.get("levels");
  const drafts = new Map(); // factor -> {level, reason, agreed_by}, kept across redraws

  function card(row) {
    const draft = drafts.get(row.factor) || {
      level: row.consensus ? String(row.consensus.level) : "",
      reason: "",
      agreed_by: "",
    };
    drafts.set(row.factor, draft);
    const agreement = row.r_wg === null ? "agreement: needs two raters" : `agreement r_wg ${number(row.r_wg)}`;
    const head = h(
      "div",
      { class: "tf-board-head" },
      h("span", { class: "tf-section", text: row.label }),
      row.basis === "not applicable" ? h("span", { class: "tf-pill", text: "not applicable to this client" }) : null,
      h("span", { class: "tf-muted", text: `median of rater levels ${number(row.median)} · spread ${number(row.spread)} · ${agreement}` }),
      row.low_agreement ? h("span", { class: "tf-pill tf-pill-warn", text: "raters disagree, to be settled", title: "r_wg below 0.70: the raters' levels are far apart for how many there are" }) : null,
    );
    const raters = h("div", { class: "tf-board-raters" });
    if (!row.raters.length) raters.append(h("div", { class: "tf-muted", text: "No findings: not assessed." }));
    for (const r of row.raters) {
      const list = h("ul");
      for (const f of r.findings) {
        list.append(h("li", {}, h("span", { class: "tf-level", text: String(f.level) }), document.createTextNode(` ${f.evidence} `), h("span", { class: "tf-muted", text: `(${f.source})` })));
      }
      if (r.n > r.findings.length) list.append(h("li", { class: "tf-muted", text: `and ${r.n - r.findings.length} earlier` }));
      raters.append(h("div", { class: "tf-board-rater" }, h("div", {}, h("b", { text: r.name }), document.createTextNode(` · level ${number(r.level)} · ${r.n} finding${r.n === 1 ? "" : "s"}`)), list));
    }
    const level = h("select", { class: "tf-input", "aria-label": `Consensus level for ${row.label}` });
    level.append(h("option", { value: "", text: "no consensus level" }));
    for (const lv of levels) level.append(h("option", { value: String(lv.level), text: `${lv.level} ${lv.name}` }));
    level.value = draft.level;
    const agreedBy = h("input", { class: "tf-input", type: "text", placeholder: "Agreed by (required)", "aria-label": `Agreed by for ${row.label}`, value: draft.agreed_by });
    const reason = h("input", { class: "tf-input", type: "text", placeholder: "Reason (required)", "aria-label": `Reason for ${row.label}`, value: draft.reason });
    for (const [input, key] of [[level, "level"], [agreedBy, "agreed_by"], [reason, "reason"]]) {
      input.addEventListener("input", () => { draft[key] = input.value; });
    }
    const record = h("button", { type: "button", class: "tf-primary", text: "Record consensus" });
    const problem = h("span", { class: "tf-error", role: "alert" });
    record.addEventListener("click", () => {
      const sent = send({ op: "record", factor: row.factor, level: level.value === "" ? null : Number(level.value), reason: reason.value, agreed_by: agreedBy.value });
      problem.textContent = sent ? "" : "Not recorded: the page has lost its connection to the dashboard. Reload the page.";
    });
    const state = row.consensus
      ? h("div", { class: "tf-muted", text: `Consensus level ${row.consensus.level} agreed by ${row.consensus.by}: ${row.consensus.reason}` })
      : null;
    return h(
      "section",
      { class: "tf-board-card tf-card", "data-factor": row.factor },
      head,
      raters,
      h("div", { class: "tf-board-form" }, level, agreedBy, reason, record, problem),
      state,
    );
  }

  function draw() {
    el.replaceChildren(
      h("div", { class: "tf-section", text: "Consensus board" }),
      h("div", { class: "tf-muted", text: "Each rater's level is the mean of their findings; the computed score is the median of the rater levels. Record the level the team agrees, who agreed it and why." }),
      ...model.get("rows").map(card),
    );
  }
  model.on("change:rows", draw);
  model.on("msg:custom", (msg) => {
    if (msg.op === "recorded") drafts.delete(msg.factor);
  });
  draw();
}

export default { render };
