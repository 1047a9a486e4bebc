/**
 * What the synthetic archive can contain: modalities, body regions, finding types and the
 * study categories (topic-like groups, as the paper's LDA topics) that tie them together.
 * The category weights make metastatic disease across several regions the most common
 * study, as in the paper, where one topic (77) held half of the key images.
 */
export type Modality = 'CT' | 'MR' | 'CR' | 'DX';
export type Region = 'head' | 'neck' | 'chest' | 'abdomen' | 'pelvis' | 'spine' | 'extremities' | 'breast';
export const REGIONS: readonly Region[] = ['head', 'neck', 'chest', 'abdomen', 'pelvis', 'spine', 'extremities', 'breast'];

export type FindingType =
  | 'mass' | 'metastasis' | 'cyst' | 'nodule' | 'effusion' | 'fracture' | 'lymph-node'
  | 'disc-herniation' | 'consolidation';

/** Where in a region a finding sits; the phantom knows how to draw each organ. */
export type Organ =
  | 'brain' | 'thyroid' | 'neck-nodes' | 'lung' | 'pleura' | 'mediastinum' | 'liver' | 'kidney'
  | 'retroperitoneum' | 'bladder' | 'uterus' | 'vertebra' | 'disc' | 'bone' | 'breast' | 'pelvic-bone';

export interface FindingTemplate {
  type: FindingType;
  organ: Organ;
  /** Region of the body (along the scan axis) the organ lies in. */
  region: Region;
  /** Diameter range in mm. */
  sizeMm: [number, number];
  /** How many of this finding (inclusive range). */
  count: [number, number];
  /** Probability that the study has this finding at all. */
  probability: number;
}

export interface CategorySpec {
  name: string;
  weight: number;
  modality: Modality;
  /** Regions covered along the scan axis, head first. */
  regions: Region[];
  /** BodyPartExamined value (PS3.16 Annex L). */
  bodyPart: string;
  /** Description used in the report's EXAM line and StudyDescription. */
  exam: string;
  findings: FindingTemplate[];
  /** A short clinical history, with {age} and {sex} filled in. */
  histories: string[];
}

const f = (type: FindingType, organ: Organ, region: Region, sizeMm: [number, number], count: [number, number], probability = 1): FindingTemplate =>
  ({ type, organ, region, sizeMm, count, probability });

export const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'metastatic', weight: 34, modality: 'CT', regions: ['chest', 'abdomen', 'pelvis'], bodyPart: 'CHESTABDPELVIS',
    exam: 'CT CHEST ABDOMEN PELVIS WITH CONTRAST',
    findings: [
      f('metastasis', 'liver', 'abdomen', [8, 35], [1, 3], 0.85),
      f('metastasis', 'lung', 'chest', [4, 18], [1, 3], 0.7),
      f('metastasis', 'vertebra', 'chest', [8, 20], [1, 1], 0.35),
      f('metastasis', 'pelvic-bone', 'pelvis', [10, 25], [1, 1], 0.3),
      f('lymph-node', 'retroperitoneum', 'abdomen', [12, 30], [1, 2], 0.5),
      f('lymph-node', 'mediastinum', 'chest', [12, 28], [1, 1], 0.35),
    ],
    histories: ['{age}-year-old {sex} with metastatic colon cancer, restaging.', '{age}-year-old {sex} with breast cancer, evaluate for metastatic disease.',
      '{age}-year-old {sex} with melanoma, follow-up of known metastases.', '{age}-year-old {sex} on chemotherapy for lung cancer, assess response.'],
  },
  {
    name: 'chest-nodule', weight: 9, modality: 'CT', regions: ['chest'], bodyPart: 'CHEST', exam: 'CT CHEST WITHOUT CONTRAST',
    findings: [f('nodule', 'lung', 'chest', [4, 14], [1, 2]), f('lymph-node', 'mediastinum', 'chest', [10, 16], [1, 1], 0.2)],
    histories: ['{age}-year-old {sex} smoker, follow-up of pulmonary nodule.', '{age}-year-old {sex} with incidental lung nodule on prior imaging.'],
  },
  {
    name: 'pleural-effusion', weight: 6, modality: 'CT', regions: ['chest'], bodyPart: 'CHEST', exam: 'CT CHEST WITH CONTRAST',
    findings: [f('effusion', 'pleura', 'chest', [20, 60], [1, 2])],
    histories: ['{age}-year-old {sex} with shortness of breath.', '{age}-year-old {sex} with dyspnea and decreased breath sounds.'],
  },
  {
    name: 'chest-radiograph', weight: 6, modality: 'CR', regions: ['chest'], bodyPart: 'CHEST', exam: 'XR CHEST PA AND LATERAL',
    findings: [f('consolidation', 'lung', 'chest', [30, 70], [1, 1], 0.6), f('effusion', 'pleura', 'chest', [20, 50], [1, 1], 0.5)],
    histories: ['{age}-year-old {sex} with cough and fever.', '{age}-year-old {sex} with chest pain.'],
  },
  {
    name: 'brain-tumor', weight: 9, modality: 'MR', regions: ['head'], bodyPart: 'HEAD', exam: 'MRI BRAIN WITH AND WITHOUT CONTRAST',
    findings: [f('mass', 'brain', 'head', [12, 45], [1, 1]), f('metastasis', 'brain', 'head', [5, 15], [1, 3], 0.3)],
    histories: ['{age}-year-old {sex} with headaches and new seizure.', '{age}-year-old {sex} with known glioma, postoperative follow-up.'],
  },
  {
    name: 'neck-lymphadenopathy', weight: 5, modality: 'CT', regions: ['neck'], bodyPart: 'NECK', exam: 'CT NECK WITH CONTRAST',
    findings: [f('lymph-node', 'neck-nodes', 'neck', [12, 30], [1, 3]), f('nodule', 'thyroid', 'neck', [8, 20], [1, 1], 0.3)],
    histories: ['{age}-year-old {sex} with palpable neck mass.', '{age}-year-old {sex} with head and neck squamous cell carcinoma, staging.'],
  },
  {
    name: 'abdominal-cyst', weight: 7, modality: 'CT', regions: ['abdomen'], bodyPart: 'ABDOMEN', exam: 'CT ABDOMEN WITH CONTRAST',
    findings: [f('cyst', 'liver', 'abdomen', [8, 40], [1, 2], 0.7), f('cyst', 'kidney', 'abdomen', [10, 40], [1, 2], 0.7)],
    histories: ['{age}-year-old {sex} with right upper quadrant pain.', '{age}-year-old {sex} with abdominal pain.'],
  },
  {
    name: 'pelvic-mass', weight: 5, modality: 'MR', regions: ['pelvis'], bodyPart: 'PELVIS', exam: 'MRI PELVIS WITH AND WITHOUT CONTRAST',
    findings: [f('mass', 'uterus', 'pelvis', [20, 70], [1, 1]), f('lymph-node', 'retroperitoneum', 'pelvis', [10, 20], [1, 2], 0.3)],
    histories: ['{age}-year-old {sex} with pelvic pain and abnormal ultrasound.', '{age}-year-old {sex} with pelvic mass on exam.'],
  },
  {
    name: 'spine-degenerative', weight: 7, modality: 'MR', regions: ['spine'], bodyPart: 'LSPINE', exam: 'MRI LUMBAR SPINE WITHOUT CONTRAST',
    findings: [f('disc-herniation', 'disc', 'spine', [4, 9], [1, 2]), f('fracture', 'vertebra', 'spine', [15, 30], [1, 1], 0.2)],
    histories: ['{age}-year-old {sex} with low back pain radiating to the left leg.', '{age}-year-old {sex} with radiculopathy.'],
  },
  {
    name: 'extremity-fracture', weight: 7, modality: 'DX', regions: ['extremities'], bodyPart: 'EXTREMITY', exam: 'XR FOREARM 2 VIEWS',
    findings: [f('fracture', 'bone', 'extremities', [10, 30], [1, 1])],
    histories: ['{age}-year-old {sex} status post fall on outstretched hand.', '{age}-year-old {sex} with trauma and pain.'],
  },
  {
    name: 'breast-mass', weight: 5, modality: 'MR', regions: ['breast'], bodyPart: 'BREAST', exam: 'MRI BILATERAL BREASTS WITH AND WITHOUT CONTRAST',
    findings: [f('mass', 'breast', 'breast', [8, 35], [1, 2]), f('lymph-node', 'mediastinum', 'breast', [10, 20], [1, 1], 0.3)],
    histories: ['{age}-year-old {sex} with newly diagnosed breast cancer, extent of disease.', '{age}-year-old {sex} with high-risk screening.'],
  },
];

/** Human words for finding types, used by the report writer. */
export const FINDING_WORDS: Record<FindingType, string> = {
  mass: 'mass', metastasis: 'metastasis', cyst: 'cyst', nodule: 'nodule', effusion: 'pleural effusion',
  fracture: 'fracture', 'lymph-node': 'lymph node', 'disc-herniation': 'disc herniation', consolidation: 'consolidation',
};
