// The page's behaviour: uploads, the streamed draft, the checks. Plain browser JavaScript, no
// build step. Model and resume text only ever reach the page through textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
let lastDraft = null;
let lastMarkdown = "";
let lastCompany = "";
let proposedSkills = [];
let running = null; // the AbortController of the draft in progress

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error;
  } catch (_) { /* not JSON */ }
  if (response.status === 503) {
    return `The model is busy; try again in ${response.headers.get("Retry-After") || "a few"} seconds.`;
  }
  return `The server answered ${response.status}.`;
}

async function upload(input, url, statusId, onText) {
  const status = $(statusId);
  const file = input.files && input.files[0];
  if (!file) return;
  status.textContent = `Reading ${file.name}…`;
  const form = new FormData();
  form.append("file", file);
  try {
    const response = await fetch(url, { method: "POST", body: form });
    if (!response.ok) {
      status.textContent = await errorMessage(response);
      status.classList.add("error");
      return;
    }
    status.classList.remove("error");
    const body = await response.json();
    onText(body);
    status.textContent = `Read ${file.name} (${body.format}): ${body.text.length.toLocaleString()} characters. You can edit the text below.`;
  } catch (error) {
    status.textContent = `Could not upload ${file.name}: ${error.message}`;
    status.classList.add("error");
  }
}

function question() {
  const chosen = $("question-choice").value;
  return chosen || $("question-own").value.trim() || null;
}

function profile() {
  const value = (id) => $(id).value.trim() || null;
  return {
    resume: $("resume").value,
    company: $("company").value.trim(),
    role: value("role"),
    job_description: value("job-description"),
    name: value("name"),
    skills: $("skills").value,
    question: question(),
    occupation: value("occupation"),
  };
}

// The O*NET occupation a draft was built on, in words: "Matched: Paralegals and Legal
// Assistants, 23-2011.00 (on "Paralegal", confidence 1.00)".
function occupationText(found) {
  if (!found) return "Matched: no O*NET occupation; the draft uses no field examples.";
  if (found.source === "chosen") return `Occupation: ${found.title}, ${found.code} (chosen).`;
  const on = found.matched_on.length ? `on “${found.matched_on[0]}”, ` : "";
  if (!found.used) {
    return `Matched: no confident O*NET occupation (best guess ${found.title}, ${found.code}, confidence ${found.confidence.toFixed(2)}); the draft uses no field examples.`;
  }
  return `Matched: ${found.title}, ${found.code} (${on}confidence ${found.confidence.toFixed(2)}).`;
}

function chooseOccupation(code, title) {
  $("occupation").value = code;
  const chosen = $("occupation-chosen");
  chosen.textContent = code ? `Occupation: ${title}, ${code}. Press Draft to draft on it.` : "";
  chosen.hidden = !code;
  $("occupation-status").textContent = code ? `Chosen: ${title}, ${code}. Press Draft to draft again on it.` : "";
}

async function findOccupation() {
  const asked = $("occupation-title").value.trim();
  const status = $("occupation-status");
  const list = $("occupation-options");
  list.replaceChildren();
  if (!asked) { status.textContent = "Write a job title first."; return; }
  status.textContent = "Looking it up…";
  const response = await fetch(`/api/occupations?title=${encodeURIComponent(asked)}&resume=${encodeURIComponent($("resume").value.slice(0, 4000))}`);
  if (!response.ok) { status.textContent = await errorMessage(response); return; }
  const body = await response.json();
  const options = body.match ? [body.match, ...body.alternatives] : [];
  status.textContent = options.length ? "Choose the one that is your job:" : "No O*NET occupation matches that title.";
  for (const option of options) {
    const item = element("li");
    const use = element("button", `${option.title}, ${option.code}`, "secondary");
    use.type = "button";
    use.addEventListener("click", () => chooseOccupation(option.code, option.title));
    item.append(use);
    list.append(item);
  }
}

function missing() {
  if (!$("resume").value.trim()) return ["resume", "Upload or paste your resume."];
  if (!$("company").value.trim()) return ["company", "Give the company you are interviewing with."];
  return null;
}

async function* serverSentEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

function renderChecks(list, checks) {
  list.replaceChildren();
  for (const check of checks) {
    const item = element("li");
    item.append(element("span", check.verdict.toUpperCase(), `verdict ${check.verdict}`));
    item.append(element("span", check.rule, "rule"), document.createTextNode(": " + check.evidence));
    if (check.suggestion) item.append(element("p", "Fix: " + check.suggestion, "suggestion"));
    list.append(item);
  }
}

function countsText(checks) {
  const count = (v) => checks.filter((c) => c.verdict === v).length;
  const skipped = count("skip") ? `, ${count("skip")} skipped` : "";
  return `${count("pass")} passed, ${count("fail")} failed${skipped}.`;
}

function renderDraft(draft, company) {
  $("answer").textContent = draft.answer;
  $("plan-company").textContent = company;
  const plan = $("plan");
  plan.replaceChildren();
  for (const goal of draft.plan.goals) {
    const item = element("li");
    item.append(element("span", goal.goal, "goal"), document.createTextNode(" "), element("span", `(${goal.kind})`, "kind"));
    if (goal.company_support) item.append(element("p", `How ${company} helps: ${goal.company_support}`, "helps"));
    if (goal.evidence) item.append(element("p", `Rests on: ${goal.evidence}`, "rests"));
    plan.append(item);
  }
  const aspiration = $("aspiration");
  aspiration.replaceChildren(element("strong", "Aspiration: "), document.createTextNode(draft.plan.aspiration));
  const options = $("aspirations");
  options.replaceChildren(...draft.plan.aspirations.map((o) => element("li", `${o.aspiration}: ${o.reason}`)));
  const assessment = $("assessment");
  assessment.replaceChildren(
    element("dt", "Strengths"), element("dd", draft.self_assessment.strengths.join("; ")),
    element("dt", "Growth areas"), element("dd", draft.self_assessment.growth_areas.join("; ")),
  );
  $("occupation-line").textContent = occupationText(draft.occupation);
  $("checks-summary").textContent = "Checks: " + countsText(draft.checks);
  renderChecks($("checks"), draft.checks);
  const attempts = draft.attempts === 1 ? "1 attempt" : `${draft.attempts} attempts`;
  $("draft-footer").textContent = `${draft.backend} · ${draft.model} · ${attempts} · ${draft.elapsed_s.toFixed(1)} s`;
  $("draft-details").hidden = false;
  $("draft-actions").hidden = false;
  $("own-answer").value = draft.answer;
  $("use-plan").disabled = false;
  $("use-plan").checked = true;
}

function resetResult() {
  lastDraft = null;
  lastMarkdown = "";
  $("result").hidden = false;
  $("answer").textContent = "";
  $("retries").replaceChildren();
  $("draft-details").hidden = true;
  $("draft-actions").hidden = true;
  $("copy-status").textContent = "";
}

function setDrafting(on) {
  $("draft-button").disabled = on;
  $("stop-button").hidden = !on;
  $("answer").setAttribute("aria-busy", on ? "true" : "false");
}

async function draft(event) {
  event.preventDefault();
  const error = $("form-error");
  error.textContent = "";
  const gap = missing();
  if (gap) {
    error.textContent = gap[1];
    $(gap[0]).focus();
    return;
  }
  const body = profile();
  lastCompany = body.company;
  resetResult();
  const status = $("draft-status");
  status.textContent = "Drafting… The model first chooses an aspiration and writes the plan; the answer appears below as it is written (a minute or two on the embedded model).";
  $("result-heading").focus();
  running = new AbortController();
  setDrafting(true);
  let answer = "";
  let tries = 0;
  try {
    const response = await fetch("/api/drafts/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
      signal: running.signal,
    });
    if (!response.ok) {
      status.textContent = "";
      error.textContent = await errorMessage(response);
      return;
    }
    for await (const { event: kind, data } of serverSentEvents(response)) {
      if (kind === "queued") {
        status.textContent = `Waiting for the model: ${data.ahead} draft${data.ahead === 1 ? "" : "s"} ahead of yours.`;
      } else if (kind === "text") {
        if (!answer) status.textContent = "Writing the answer…";
        answer += data.text;
        $("answer").textContent = answer;
      } else if (kind === "retry") {
        answer = "";
        $("answer").textContent = "";
        // Counted here: the library numbers a stepwise draft's tries across all its steps.
        tries += 1;
        const note = element("p", `Try ${tries} broke a rule (${data.problems.join("; ")}). Drafting again…`, "retry");
        $("retries").append(note);
        status.textContent = `Try ${tries} broke a rule; drafting again.`;
      } else if (kind === "draft") {
        lastDraft = data;
        renderDraft(data, body.company);
        status.textContent = `Done. Checks: ${countsText(data.checks)}`;
      } else if (kind === "markdown") {
        lastMarkdown = data.markdown;
      } else if (kind === "error") {
        status.textContent = "";
        error.textContent = data.error;
      }
    }
  } catch (failure) {
    if (failure.name === "AbortError") status.textContent = "Stopped.";
    else error.textContent = `The draft stopped: ${failure.message}`;
  } finally {
    running = null;
    setDrafting(false);
  }
}

function download(text, type, suffix) {
  const blob = new Blob([text], { type });
  const link = document.createElement("a");
  const slug = (lastCompany || "draft").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  link.href = URL.createObjectURL(blob);
  link.download = `aspire-${slug || "draft"}.${suffix}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function copyAnswer() {
  const text = lastDraft ? lastDraft.answer : $("answer").textContent;
  const status = $("copy-status");
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    // Without clipboard permission: select the text in a scratch field and copy that.
    const scratch = element("textarea");
    scratch.value = text;
    scratch.setAttribute("readonly", "");
    scratch.style.position = "fixed";
    scratch.style.opacity = "0";
    document.body.append(scratch);
    scratch.select();
    const copied = document.execCommand("copy");
    scratch.remove();
    if (!copied) {
      status.textContent = "Could not copy: select the answer and copy it yourself.";
      return;
    }
  }
  status.textContent = "Copied the answer.";
}

async function checkOwn() {
  const error = $("check-error");
  const status = $("check-status");
  error.textContent = "";
  const answer = $("own-answer").value.trim();
  const company = $("company").value.trim();
  if (!answer) { error.textContent = "Write or paste an answer to check."; $("own-answer").focus(); return; }
  if (!company) { error.textContent = "Give the company above: the rules need it."; $("company").focus(); return; }
  const base = profile();
  const body = {
    answer,
    company,
    question: base.question,
    role: base.role,
    resume: base.resume.trim() || null,
    skills: base.skills,
    job_description: base.job_description,
    judge: $("use-judge").checked,
  };
  if ($("use-plan").checked && lastDraft) {
    body.plan = lastDraft.plan;
    body.self_assessment = lastDraft.self_assessment;
  }
  status.textContent = body.judge ? "Checking… (the judge takes a while)" : "Checking…";
  $("check-button").disabled = true;
  try {
    const response = await fetch("/api/check", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) { status.textContent = ""; error.textContent = await errorMessage(response); return; }
    const result = await response.json();
    renderChecks($("own-checks"), result.checks);
    status.textContent = "Your answer: " + countsText(result.checks);
    const scores = $("judge-scores");
    scores.replaceChildren();
    scores.hidden = !result.judge;
    if (result.judge) {
      for (const key of ["aspiration", "plan", "answer", "truthful", "self_assessment"]) {
        const line = result.judge[key];
        if (line) scores.append(element("dt", `${key.replace("_", " ")}: ${line.score}/5`), element("dd", line.reason));
      }
      scores.append(element("dt", `Judge’s verdict: ${result.judge.verdict}`));
      if (result.judge.defects.length) scores.append(element("dd", "Defects: " + result.judge.defects.join(", ")));
    }
  } catch (failure) {
    status.textContent = "";
    error.textContent = `The check failed: ${failure.message}`;
  } finally {
    $("check-button").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("resume-file").addEventListener("change", (e) => upload(e.target, "/api/resumes", "resume-file-status", (body) => {
    $("resume").value = body.text;
    if (body.name && !$("name").value) $("name").value = body.name;
    if (body.skills.length && !$("skills").value) $("skills").value = body.skills.join(", ");
    proposedSkills = body.proposed_skills.filter((s) => !s.includes(","));
    $("skills-proposed").textContent = proposedSkills.length ? `Your resume lists: ${proposedSkills.join(", ")}.` : "";
    $("use-skills").hidden = !proposedSkills.length;
  }));
  $("job-file").addEventListener("change", (e) => upload(e.target, "/api/job-descriptions", "job-file-status", (body) => {
    $("job-description").value = body.text;
    if (body.company && !$("company").value) $("company").value = body.company;
    if (body.role && !$("role").value) $("role").value = body.role;
  }));
  $("use-skills").addEventListener("click", () => { $("skills").value = proposedSkills.slice(0, 5).join(", "); $("skills").focus(); });
  $("question-choice").addEventListener("change", () => {
    const own = !$("question-choice").value;
    $("question-own-field").hidden = !own;
    if (own) $("question-own").focus();
  });
  $("draft-form").addEventListener("submit", draft);
  $("stop-button").addEventListener("click", () => { if (running) running.abort(); });
  $("copy-button").addEventListener("click", copyAnswer);
  $("download-md").addEventListener("click", () => download(lastMarkdown, "text/markdown", "md"));
  $("download-json").addEventListener("click", () => download(JSON.stringify(lastDraft, null, 2) + "\n", "application/json", "json"));
  $("check-button").addEventListener("click", checkOwn);
  $("change-occupation").addEventListener("click", () => {
    const chooser = $("occupation-chooser");
    chooser.hidden = !chooser.hidden;
    if (!chooser.hidden) { $("occupation-title").value = $("occupation-title").value || $("role").value; $("occupation-title").focus(); }
  });
  $("find-occupation").addEventListener("click", findOccupation);
});
