/**
 * The report page: one self-contained HTML file made from ReportData alone. No script, no
 * network: charts are inline SVG (charts.ts), images inline JPEG thumbnails, and a
 * Content-Security-Policy that allows nothing else. All text goes through `html` (html.ts), which
 * escapes it; numbers through format.ts.
 */
import type { TopicLevel } from '../topics/stage.js';
import { TOPIC_LEVELS } from '../topics/stage.js';
import { confusionSvg } from '../evaluation/confusion-chart.js';
import type { ReportData } from './report-data.js';
import type { Section } from './section.js';
import type { TopicLevelReport, ImageRef } from './gather-topics.js';
import type { ClassificationReport } from './gather-results.js';
import type { ExampleImage, LevelKeywordRow } from './gather-words.js';
import { html, trusted, type Markup } from './html.js';
import { formatCount as n, formatNumber as x } from './format.js';
import { renderChart, scopeSvgIds, sweepSpec, trainingSpec, wordMapSpec } from './charts.js';
import { ThumbnailCache } from './images.js';

const LEVEL_NAMES: Record<TopicLevel, string> = { document: 'document level', second: 'second level (document-level-h2)', sentence: 'sentence level' };

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px 48px;color:#222}
h1{margin:16px 0 4px}h2{border-bottom:2px solid #ddd;padding-top:16px}h3{margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.not-run{background:#fff4e5;border:1px solid #f0b060;padding:6px 10px;border-radius:4px}
.topic{border-top:1px solid #eee;padding:6px 0}.words{color:#444}.strip img,.example img{height:72px;margin:2px;border:1px solid #ccc;image-rendering:pixelated}
.chart{display:inline-block;margin:4px 12px 4px 0;vertical-align:top}.meta td{font-size:12px}
.example{display:flex;gap:12px;border-top:1px solid #eee;padding:8px 0}.example img{height:128px}
mark{background:#ffe58a}nav a{margin-right:12px}code{font-size:12px}
`;

/** A "not run" block, or the section's body. */
function section<T>(s: Section<T>, body: (ok: T) => Markup): Markup {
  return s.status === 'ok' ? body(s as T) : html`<p class="not-run" data-status="not-run">Not run: ${s.reason}</p>`;
}

function header(d: ReportData): Markup {
  const h = d.header;
  const kv = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${n(v)}`).join(', ') || 'none';
  return html`<header id="header">
<h1>pacsmine report</h1>
<table class="meta">
<tr><th>data</th><td>reports: ${kv(h.data.reports)}; images: ${kv(h.data.images)}; key images ${n(h.data.keyImages)}, converted ${n(h.data.convertedKeyImages)}</td></tr>
<tr><th>workspace</th><td><code>${h.workspace}</code></td></tr>
<tr><th>seeds</th><td>${Object.entries(h.seeds).map(([s, v]) => `${s} ${v}`).join(', ') || 'none recorded'}</td></tr>
<tr><th>version</th><td>pacsmine ${h.packageVersion} (report written ${h.generatedAt})</td></tr>
</table>
<details><summary>settings: ${n(h.stages.length)} stages and their parameters</summary>
<table class="meta"><tr><th>stage</th><th>finished</th><th>version</th><th>code</th><th>parameters</th></tr>
${h.stages.map((s) => html`<tr><td>${s.stage}</td><td>${s.finishedAt}</td><td>${s.packageVersion}</td><td><code>${s.code ?? '–'}</code></td><td><code>${JSON.stringify(s.params)}</code></td></tr>`)}
</table></details>
</header>`;
}

function tables124(d: ReportData): Markup {
  return html`<section id="tables-1-2-4" data-status="${d.stats.status}"><h2>Tables 1, 2 and 4: the corpus</h2>
${section(d.stats, (s) => {
    const row = (name: string, m: { wordsPerSentence: number; words: number; sentences: number } | null) => m
      ? html`<tr><td>${name}</td><td class="num">${x(m.wordsPerSentence)}</td><td class="num">${n(m.words)}</td><td class="num">${n(m.sentences)}</td></tr>`
      : html`<tr><td>${name}</td><td colspan="3" class="not-run">not run: \`pacsmine describe\`</td></tr>`;
    const w = s.perWindow;
    return html`<h3>Table 1. Statistics of the dataset</h3>
<table id="table-1"><tr><th># documents</th><td class="num">${n(s.documents)}</td></tr>
<tr><th># words in documents</th><td class="num">${n(s.words)}</td></tr>
<tr><th># vocabulary</th><td class="num">${n(s.vocabulary)}</td></tr>
<tr><th># image modalities</th><td>${n(Object.keys(s.modalities).length)}: ${Object.entries(s.modalities).sort((a, b) => b[1] - a[1]).map(([m, c]) => `${m} ${n(c)}`).join(', ')}</td></tr>
<tr><th>reports with key-image references</th><td class="num">${n(s.reportsWithReferences)}</td></tr>
<tr><th>references</th><td class="num">${n(s.references)}</td></tr>
<tr><th>key images</th><td class="num">${n(s.keyImages)}</td></tr></table>
<h3>Table 2. The most frequent words</h3>
<table id="table-2"><tr><th>word</th><th class="num">count</th></tr>${s.topWords.map((t) => html`<tr><td>${t.word}</td><td class="num">${n(t.count)}</td></tr>`)}</table>
<h3>Table 4. Words per sentence</h3>
<table id="table-4"><tr><th></th><th class="num">words / sentence</th><th class="num">words</th><th class="num">sentences</th></tr>
${row('reports-wide', s.wordsPerSentence.reportsWide)}
${row('image references (sentence and its two neighbours)', s.wordsPerSentence.imageReferences)}
${row('image references, no stop words, no digits', s.wordsPerSentence.imageReferencesNoStopWordsNoDigits)}
${row('image references, disease terms only', s.wordsPerSentence.imageReferencesDiseaseTerms)}
</table>
<p>Per key-image window (${n(w.words.count)} windows): ${x(w.words.mean)} ± ${x(w.words.std)} words${w.diseaseTerms ? html`, ${x(w.diseaseTerms.mean)} ± ${x(w.diseaseTerms.std)} disease terms` : ', disease terms not run (`pacsmine describe`)'}.</p>`;
  })}</section>`;
}

async function figure2(d: ReportData): Promise<Markup> {
  const parts: Markup[] = [];
  for (const level of TOPIC_LEVELS) {
    const t = d.topics[level];
    if (t.status !== 'ok') {
      parts.push(html`<h3>${LEVEL_NAMES[level]}</h3>${section(t, () => html``)}`);
      continue;
    }
    const sweeps = t.sweep ? [{ name: level, sweep: t.sweep }] : Object.entries(t.sweeps).map(([parent, sweep]) => ({ name: `topic ${parent}`, sweep }));
    if (sweeps.length === 0) {
      parts.push(html`<h3>${LEVEL_NAMES[level]}</h3><p class="not-run" data-status="not-run">Not run: no K sweep recorded at this level (its models have K = ${JSON.stringify(t.chosenK)}; at the second level a topic gets a model and a sweep of its own once it holds enough documents); run \`pacsmine topics --level ${level} --sweep K1,K2,...\`</p>`);
      continue;
    }
    const ppl = await renderChart(sweepSpec(sweeps, 'perplexity', `${level}: held-out perplexity`), `sweep-${level}-ppl`);
    const npmi = await renderChart(sweepSpec(sweeps, 'npmi', `${level}: coherence`), `sweep-${level}-npmi`);
    parts.push(html`<h3>${LEVEL_NAMES[level]}</h3><div class="chart">${trusted(ppl)}</div><div class="chart">${trusted(npmi)}</div>
<table class="sweep"><tr><th>model</th><th class="num">K</th><th class="num">perplexity</th><th class="num">NPMI</th><th class="num">UMass</th></tr>
${sweeps.flatMap((s) => s.sweep.points.map((p) => html`<tr${p.k === s.sweep.chosenK ? trusted(' class="chosen"') : ''}><td>${s.name}</td><td class="num">${n(p.k)}${p.k === s.sweep.chosenK ? ' (chosen)' : ''}</td><td class="num">${x(p.perplexity)}</td><td class="num">${x(p.npmi)}</td><td class="num">${x(p.umass)}</td></tr>`))}</table>`);
  }
  return html`<section id="figure-2"><h2>Figure 2: held-out perplexity and coherence against the number of topics</h2>
<p>Each K is trained on 80% of the documents and scored on the other 20%; the chosen K (◆) is the smallest within the stated tolerance of the best perplexity.</p>${parts}</section>`;
}

function strip(images: ImageRef[], thumbs: ThumbnailCache): Markup {
  return html`<div class="strip">${images.map((im) => {
    const uri = thumbs.ready(im.path);
    return uri ? html`<img src="${uri}" alt="key image ${im.id}" title="${im.id}">` : html`<span class="missing">(image ${im.id} unreadable)</span>`;
  })}</div>`;
}

function topicLevel(level: TopicLevel, t: Section<TopicLevelReport>, thumbs: ThumbnailCache): Markup {
  return html`<h3 id="topics-${level}">${LEVEL_NAMES[level]}</h3>${section(t, (s) => html`
<p>${n(s.numTopics)} topics over ${n(s.numDocs)} documents; ${n(s.numImages)} key images labelled; the largest topic holds ${x(s.largestTopicImageShare)} of them.</p>
${[...s.topics].sort((a, b) => b.numImages - a.numImages || (a.label < b.label ? -1 : 1)).map((tp) => html`<div class="topic" data-level="${level}" data-topic="${tp.label}">
<b>topic ${tp.label}</b> — ${n(tp.numDocs)} documents, ${n(tp.numImages)} key images
<div class="words">${tp.topWords.slice(0, 20).join(', ')}</div>${tp.images.length ? strip(tp.images, thumbs) : ''}</div>`)}`)}`;
}

function figures34(d: ReportData, thumbs: ThumbnailCache): Markup {
  return html`<section id="figures-3-4"><h2>Figures 3 and 4: topics, their key words and sample key images</h2>
${TOPIC_LEVELS.map((level) => topicLevel(level, d.topics[level], thumbs))}</section>`;
}

async function table3(d: ReportData): Promise<Markup> {
  const rows = TOPIC_LEVELS.map((level) => {
    const c = d.classification[level];
    if (c.status !== 'ok') return html`<tr><td>${LEVEL_NAMES[level]}</td><td colspan="9" class="not-run">not run: ${c.reason}</td></tr>`;
    const b = c.baselines;
    return html`<tr data-level="${level}"><td>${LEVEL_NAMES[level]}</td><td class="num">${n(c.classes.length)}${c.dataset ? ` of ${n(c.dataset.classesTotal)}` : ''}</td>
<td class="num">${c.dataset ? `${n(c.dataset.train)} / ${n(c.dataset.validation)} / ${n(c.dataset.test)}` : '–'}</td><td class="num">${n(c.images)}</td>
<td class="num">${x(c.top1)}</td><td class="num">${x(c.top5)}</td><td class="num">${x(c.macroF1)}</td>
<td class="num">${x(b.majority.top1)} / ${x(b.majority.top5)}</td><td class="num">${x(b.priorRandom.top1)} / ${x(b.priorRandom.top5)}</td>
<td class="num">${c.truth ? `${x(c.truth.top1)} (labels ${x(c.truth.ceiling)}, majority ${x(c.truth.majorityTop1)})` : '–'}</td></tr>`;
  });
  const figures: Markup[] = [];
  for (const level of TOPIC_LEVELS) {
    const c = d.classification[level];
    if (c.status !== 'ok') continue;
    const svg = await confusionSvg(c.confusion, c.classes, { title: `${level} level: ${c.images} test images (rows: true topic)` });
    figures.push(html`<div class="chart" id="confusion-${level}">${trusted(scopeSvgIds(svg, `confusion-${level}`))}</div>`);
  }
  return html`<section id="table-3"><h2>Table 3 and Figure 5: image classification per level</h2>
<table id="table-3-scores"><tr><th>level</th><th class="num">classes kept</th><th class="num">train / validation / test images</th><th class="num">test images scored</th>
<th class="num">top-1</th><th class="num">top-5</th><th class="num">macro-F1</th><th class="num">majority class top-1 / top-5</th><th class="num">prior-weighted random top-1 / top-5</th><th class="num">ground-truth category top-1</th></tr>
${rows}</table>
<h3>Figure 5: confusion matrices</h3>${figures.length ? figures : html`<p class="not-run" data-status="not-run">Not run: no level has been evaluated</p>`}</section>`;
}

async function training(d: ReportData): Promise<Markup> {
  const charts: Markup[] = [];
  for (const c of d.training) {
    const svg = await renderChart(trainingSpec(c), `training-${c.stage}`);
    charts.push(html`<div class="chart" data-stage="${c.stage}">${trusted(svg)}
<table class="curve"><tr><th class="num">epoch</th><th class="num">training loss</th><th class="num">validation loss</th><th class="num">validation accuracy</th></tr>
${c.epochs.map((e) => html`<tr><td class="num">${n(e.epoch + 1)}</td><td class="num">${x(e.trainLoss)}</td><td class="num">${x(e.valLoss)}</td><td class="num">${x(e.valAccuracy)}</td></tr>`)}</table></div>`);
  }
  return html`<section id="training"><h2>Training curves</h2>
${charts.length ? charts : html`<p class="not-run" data-status="not-run">Not run: no network trained: run \`pacsmine train --chain\`</p>`}</section>`;
}

async function figure6(d: ReportData): Promise<Markup> {
  const w = d.words;
  const svg = w.status === 'ok' ? await renderChart(wordMapSpec(w), 'word-map') : '';
  return html`<section id="figure-6" data-status="${w.status}"><h2>Figure 6: word vectors of the top disease terms (PCA)</h2>
${section(w, (s) => html`<p>${n(s.words.length)} ${s.source} of a ${n(s.vocabulary)}-word vocabulary (${n(s.vectorSize)}-d skip-gram vectors).</p><div class="chart">${trusted(svg)}</div>`)}</section>`;
}

/** The sentence with the words that point at the image marked (text escaped piece by piece). */
function sentenceWithReference(sentence: string, reference: string): Markup {
  const at = reference ? sentence.indexOf(reference) : -1;
  if (at < 0) return html`${sentence}`;
  return html`${sentence.slice(0, at)}<mark>${reference}</mark>${sentence.slice(at + reference.length)}`;
}

const keywordList = (k: LevelKeywordRow[]): Markup => html`${k.map((r, i) => html`${i ? '; ' : ''}${r.level} topic ${r.topic}: <b>${r.keyword ?? '(none)'}</b>${r.cosine !== null ? ` (${x(r.cosine)})` : ''}`)}`;

function example(e: ExampleImage, thumbs: ThumbnailCache): Markup {
  const uri = thumbs.ready(e.path);
  return html`<div class="example" data-image="${e.id}">${uri ? html`<img src="${uri}" alt="key image ${e.id}">` : html`<span>(image unreadable)</span>`}<div>
<div class="sentence">${sentenceWithReference(e.sentence, e.reference)}</div>
<div>bigrams: ${e.bigrams.map((b) => `${b[0]} ${b[1]}`).join(', ') || 'none'}</div>
<div>the sentences' own disease words: ${e.diseaseWords.join(', ') || 'none'}</div>
<div>predicted keywords: ${e.keywords.length ? keywordList(e.keywords) : 'not run (`pacsmine regress`)'}</div></div></div>`;
}

function figures78(d: ReportData, thumbs: ThumbnailCache): Markup {
  const k = d.keywords;
  const kTable = section(k, (s) => {
    const ks = Object.keys(s.recall).sort((a, b) => Number(a) - Number(b));
    return html`<p>${s.testImages !== null ? `${n(s.testImages)} test images` : ''}${s.scoredImages !== null ? `, ${n(s.scoredImages)} with disease words in their sentences` : ''}.</p>
<table id="recall"><tr><th>ranking</th>${ks.map((kk) => html`<th class="num">R@${kk}</th>`)}</tr>
<tr><td>predicted keywords (regression)</td>${ks.map((kk) => html`<td class="num">${x(s.recall[kk])}</td>`)}</tr>
${Object.entries(s.baselines).map(([name, r]) => html`<tr><td>baseline: ${name}</td>${ks.map((kk) => html`<td class="num">${x(r[kk])}</td>`)}</tr>`)}</table>
${Object.keys(s.perLevel).length ? html`<p>R@1 per level: ${Object.entries(s.perLevel).map(([l, v]) => `${l} ${x(v)}`).join(', ')}</p>` : ''}
${Object.keys(s.search).length ? html`<p>Text → image search (captions as queries): ${Object.entries(s.search).map(([key, v]) => `${key} ${Number.isInteger(v) ? n(v) : x(v)}`).join(', ')}</p>` : ''}
${s.examples.map((e) => {
    const uri = thumbs.ready(e.path);
    return html`<div class="example" data-image="${e.id}">${uri ? html`<img src="${uri}" alt="key image ${e.id}">` : ''}<div><div class="sentence">${e.caption}</div>
<div>predicted keywords: ${keywordList(e.keywords)}</div><div>the sentences' own disease words: ${e.diseaseWords.join(', ') || 'none'}</div></div></div>`;
  })}`;
  });
  return html`<section id="figures-7-8"><h2>Figures 7 and 8: key images, their bigrams and predicted keywords; R@K</h2>
<h3>Figure 7: bigram descriptions</h3>
${section(d.descriptions, (s) => html`<p>${n(s.termHits)} disease-term hits in ${n(s.refs)} key-sentence windows; ${n(s.keyImagesWithBigrams)} of ${n(s.keyImages)} key images have bigrams (${n(s.bigramRows)} image–bigram rows).</p>
${s.examples.map((e) => example(e, thumbs))}`)}
<h3 id="keywords">Figure 8: predicted keywords and R@K</h3><div data-status="${k.status}">${kTable}</div></section>`;
}

/** Every image path the page shows. */
function imagePaths(d: ReportData): string[] {
  const out: string[] = [];
  for (const level of TOPIC_LEVELS) {
    const t = d.topics[level];
    if (t.status === 'ok') for (const tp of t.topics) for (const im of tp.images) out.push(im.path);
  }
  if (d.descriptions.status === 'ok') for (const e of d.descriptions.examples) out.push(e.path);
  if (d.keywords.status === 'ok') for (const e of d.keywords.examples) out.push(e.path);
  return out;
}

export interface RenderOptions {
  /** Longest side of the inline thumbnails, in pixels. Default 72. */
  thumbnailSize?: number;
}

/** The report page for `data`; `workspaceDir` is where its image paths are (relative to). */
export async function renderReportHtml(data: ReportData, workspaceDir: string, options: RenderOptions = {}): Promise<string> {
  const thumbs = new ThumbnailCache(workspaceDir, options.thumbnailSize ?? 72);
  await thumbs.preload(imagePaths(data));
  const body = html`${header(data)}
<nav><a href="#tables-1-2-4">Tables 1, 2, 4</a><a href="#figure-2">Figure 2</a><a href="#figures-3-4">Figures 3/4</a><a href="#table-3">Table 3 / Figure 5</a><a href="#training">Training</a><a href="#figure-6">Figure 6</a><a href="#figures-7-8">Figures 7/8</a></nav>
${tables124(data)}${await figure2(data)}${figures34(data, thumbs)}${await table3(data)}${await training(data)}${await figure6(data)}${figures78(data, thumbs)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pacsmine report</title><style>${STYLE}</style></head>
<body>${body.value}
</body></html>
`;
}
