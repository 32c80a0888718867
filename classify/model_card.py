"""MODEL_CARD.md for a trained model, written from its config and metrics (never by hand, so
the numbers in the card are the numbers in metrics.json)."""

from __future__ import annotations

from typing import Any


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def _confusion(section: dict[str, Any]) -> str:
    labels = section["confusion"]["labels"]
    rows = section["confusion"]["rows_true_columns_predicted"]
    lines = ["| true \\ predicted | " + " | ".join(labels) + " |",
             "|---" * (len(labels) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(str(v) for v in row) + " |"
              for label, row in zip(labels, rows, strict=True)]
    return "\n".join(lines)


def _per_class(section: dict[str, Any]) -> str:
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, c in section["per_class"].items():
        lines.append(f"| {label} | {_pct(c['precision'])} | {_pct(c['recall'])} | "
                     f"{_pct(c['f1'])} | {c['support']} |")
    return "\n".join(lines)


def _narratives(metrics: dict[str, Any]) -> str:
    narratives = metrics.get("narratives")
    if not narratives:
        return "Not measured for this model (no labelled narrative set was given)."
    cues = narratives["with_cues"]["configured"]
    plain = narratives["without_cues"]["configured"]
    thresholds = narratives["with_cues"]["configured_thresholds"]
    factor = thresholds["refutation_factor"]
    n_test = narratives["with_cues"]["n_test"]
    return f"""Lexical claim matching against `config/narratives.yaml` (thresholds suggest
{thresholds['suggest']}, confirm {thresholds['confirm']}), measured on the **test** half of
`classify/data/narratives_eval.jsonl` ({narratives['rows']} labelled sentences in all, written by
us: paraphrases of each claim, same-topic sentences without the claim, rebuttals that quote the
claim, unrelated sentences, and 3 adversarial rows that repeat a claim while using a refutation
word). The idf background is this model's `narrative_background.json`.

| | with refutation cues (shipped) | without cues |
|---|---|---|
{_narrative_rows(cues, plain)}

How the lexical matcher handles rebuttals, honestly: a rebuttal shares the claim's words, so
without help it scores like the claim itself (the "without cues" column). A short list of
refutation cues ("sai sự thật", "bịa đặt", "xuyên tạc", "không đúng", "bác bỏ", ...) found in
the matched sentence, its neighbours or the title multiplies the score by {factor}, below the
suggest threshold, so such a sentence is never "likely" on its own: rebuttals published by the
press are what this system counts as "phủ xanh". That removes the rebuttals in this set, at a
price: a post that repeats the claim *and* uses a cue word ("báo chí bảo là tin đồn nhưng sự
thật là ...") is missed. The cue list knows no sarcasm, and a paraphrase in entirely different
words is missed too (e.g. "Nghe nói chỉ thị 57 cho công an đọc hết tin nhắn zalo của dân" scores
below the threshold): reviewers should add real phrasings as variants. The misinformation
score is the match strength (cosine, 0..1, after any discount), not a probability. The test
half has {n_test} rows: these rates move by several points with one sentence."""


def _narrative_rows(cues: dict[str, Any], plain: dict[str, Any]) -> str:
    rows = [
        ("precision (\"likely\" with the right narrative)", lambda s: _pct(s["test"]["precision"])),
        ("recall", lambda s: _pct(s["test"]["recall"])),
        ("rebuttals quoting a claim flagged \"likely\"",
         lambda s: _pct(s["test_flag_rate"]["refutation"]) + " %"),
        ("same-topic sentences without the claim flagged",
         lambda s: _pct(s["test_flag_rate"]["topic"]) + " %"),
        ("adversarial (claim + refutation word) flagged",
         lambda s: _pct(s["test_flag_rate"]["adversarial"]) + " %"),
        ("claim-free 10-text pseudo-articles flagged",
         lambda s: _pct(s["pseudo_article_flag_rate"]) + " %"),
    ]
    return "\n".join(f"| {name} | {cell(cues)} | {cell(plain)} |" for name, cell in rows)


def _real_section(real: dict[str, Any] | None, n_extra: int) -> str:
    """The score that matters most: real published texts whose documents were never trained
    on (classify/data/real, split by whole documents)."""
    if not real:
        return ""
    test, base = real["test"], real["majority_baseline"]
    rows = "\n".join(
        f"| {label} | {_pct(m['precision'])} | {_pct(m['recall'])} | {_pct(m['f1'])} | "
        f"{m['support']} |"
        for label, m in test["per_class"].items()
    )
    return f"""## Results on real published texts (the number to watch)

`{real['data']}`: real Vietnamese press, official, commentary and forum passages about the
directive and related rules, each with its source address, labelled by one annotator with
`classify/data/GUIDELINE.md`. Whole documents are split between training (their passages are
among the {n_extra} extra training rows) and this test set, which was never trained on.

| | macro-F1 | accuracy |
|---|---|---|
| this model, {test['n']} real test passages | {_pct(test['macro_f1'])} | {_pct(test['accuracy'])} |
| majority class ("{base['label']}") | {_pct(base['macro_f1'])} | {_pct(base['accuracy'])} |

| label | precision | recall | F1 | support |
|---|---|---|---|---|
{rows}

Single-annotator labels, few forum or social texts, and stance entangled with outlet (critical
texts come mostly from overseas outlets): see `{real['data']}/README.md`.

"""


def render(config: dict[str, Any], metrics: dict[str, Any]) -> str:
    held = metrics["held_out"]
    shipped = held["shipped"]
    comparison = held["comparison"]
    baseline = metrics["majority_baseline"]
    calibration = metrics["calibration"]
    data = metrics["dataset"]
    chosen = metrics["selection"]["chosen"]
    cv = metrics.get("cv_full_seed")
    comparison_rows = "\n".join(
        f"| {name} | {row['candidate']['name']} | {_pct(row['cv_macro_f1_mean'])} ± "
        f"{_pct(row['cv_macro_f1_std'])} | {_pct(row['test']['macro_f1'])} | "
        f"{_pct(row['test']['accuracy'])} |"
        for name, row in comparison.items() if row is not None
    )
    skipped = [name for name, row in comparison.items() if row is None]
    skipped_note = (
        f"\n\n{', '.join(skipped)}: not trained ({metrics.get('aux_note', 'no auxiliary data')})."
        if skipped else ""
    )
    registers = "\n".join(
        f"| {name} | {r['n']} | {_pct(r['accuracy'])} |"
        for name, r in metrics["per_register"].items()
    )
    cv_line = (
        f"Grouped 5-fold cross-validation of the chosen configuration on the whole seed set: "
        f"macro-F1 {_pct(cv['macro_f1_mean'])} ± {_pct(cv['macro_f1_std'])} (a second, less "
        f"split-dependent estimate)." if cv else ""
    )
    real_section = _real_section(metrics.get("real_test"), data.get("n_extra", 0))
    return f"""# Model card: {config['name']}@{config['version']}

Sentiment toward Directive 57-CT/TW and the policy around it (positive / neutral / negative),
for phuxanh's reviewers. **Every label is a suggestion; a reviewer confirms it.** It is not for
decisions about people.

- created: {config['created_at']}; preprocessing version {config['preprocess_version']}
- model: TF-IDF ({_features(config['features'])}) + multinomial logistic regression
  (C = {chosen['C']}), softmax temperature {config['temperature']}; long texts are split into
  chunks of at most {config['chunk_max_words']} words, scored and averaged by length
- features: {config['n_features']} ({config['n_word_features']} word n-grams)
- reason: the {config['reason_phrases']} word n-grams in the text that pushed most toward the
  chosen label
- files: `config.json`, `vocabulary.json`, `weights.npz` (no pickle), `metrics.json`,
  `narrative_background.json` (document frequencies for narrative matching), this card

## Labels

Toward the directive, its implementation and the policy it drives (cybersecurity,
identification, data protection):
- **positive**: supports or praises it, reports its benefits or achievements;
- **negative**: criticises or doubts it, complains about its implementation or about how
  agencies handle data, or spreads hostile claims. Negative is not misinformation: legitimate
  criticism ("thủ tục rườm rà", "lo ngại quyền riêng tư") is negative and true;
- **neutral**: facts, announcements, schedules, questions, or no clear lean. Reports of threats
  (fraud, attacks) without a view on the policy are neutral.

{real_section}## Training data

`classify/data/seed_directive57.jsonl`: {data['n_seed']} texts **written by us** (1–4 sentences:
press releases, provincial news, forum comments with teencode, social posts, a few without
diacritics) — {_counts(data['labels'])}; registers {_counts(data['registers'])}. Models trained on
public review and comment datasets were found, before this model, to do no better than chance
on press text about the directive, which is why this set exists; as auxiliary data UIT-VSFC
is compared below.

Split: near-duplicates grouped (folded character n-gram cosine ≥ {data['duplicate_threshold']},
{data['groups']} groups), then a stratified, grouped split (seed {data['seed']}):
{data['n_train']} train / {data['n_test']} held-out test rows. The test rows were never used for
training, for model selection or for calibration. Model selection: grouped 5-fold
cross-validation inside the training rows ({metrics['selection']['rule']}).

## Results on the held-out in-domain test set ({shipped['n']} texts)

**Read these as optimistic.** The in-domain set is small and authored by the same people who
wrote the labelling guideline; real posts are longer, messier and more sarcastic. Expect lower
scores on real items, and measure them as reviewers label.

| | macro-F1 | accuracy |
|---|---|---|
| this model | {_pct(shipped['macro_f1'])} | {_pct(shipped['accuracy'])} |
| majority class ("{baseline['label']}") | {_pct(baseline['macro_f1'])} | \
{_pct(baseline['accuracy'])} |

{_per_class(shipped)}

Confusion matrix (held-out):

{_confusion(shipped)}

Calibration: temperature {calibration['temperature']} fitted on out-of-fold predictions of the
training rows. ECE on the held-out set {calibration['ece_before']:.3f} at temperature 1 and
{calibration['ece_after']:.3f} with it (log loss {calibration['log_loss_before']:.3f} ->
{calibration['log_loss_after']:.3f}); with {shipped['n']} rows ECE itself is noisy.

{cv_line}

Accuracy by register (held-out):

| register | n | accuracy |
|---|---|---|
{registers}

### With and without auxiliary public data

UIT-VSFC (student feedback, `shared/data/uit_vsfc`, labels 0 neg / 1 neu / 2 pos) as extra
training rows, class-balanced and weighted against the in-domain rows:

| variant | best configuration | CV macro-F1 (train) | test macro-F1 | test accuracy |
|---|---|---|---|---|
{comparison_rows}{skipped_note}

Shipped: the configuration with the best cross-validated macro-F1 on the training rows
(`{chosen['name']}`). The held-out column is reported, not used to choose.

## Misinformation (narrative matching)

{_narratives(metrics)}

## Limitations

- Small, authored training set: vocabulary outside it (new events, slang, names) carries no
  weight, and the model cannot read sarcasm ("Hay quá ha, giờ bình luận cũng phải trình căn
  cước 🙂") beyond the few examples it saw.
- Bag of n-grams: negation and contrast ("chủ trương đúng nhưng triển khai chậm") are only
  partly captured; long articles are averaged, so one critical paragraph in a positive article
  moves the label little.
- Sentiment is toward the directive and policy, but the model sees only words: an article
  reporting a data leak or a fraud wave may be labelled negative even when it does not
  criticise the policy (the guideline calls that neutral).
- Forum comments are the weakest register on the held-out rows (table above).
- The training rows the model got wrong are the best guide to what to label next.

## Reproduce

    python -m classify.train --out DIR --seed {data['seed']}
    python -m classify.evaluate --model DIR --data FILE.jsonl
    python -m classify.narratives_eval

Training took {metrics['training_seconds']:.0f} s on this machine.
"""


def _features(settings: dict[str, Any]) -> str:
    word = settings["word_ngrams"]
    char = settings["char_ngrams"]
    parts = [f"word {word[0]}-grams" if word[0] == word[1] else f"word {word[0]}–{word[1]}-grams"]
    if char:
        parts.append(f"character {char[0]}–{char[1]}-grams of the folded text")
    return ", ".join(parts) + f", min_df {settings['min_df']}, sublinear tf"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{value} {key}" for key, value in counts.items())
