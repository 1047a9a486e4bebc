/**
 * The two reports of the paper's Figure 1 (Shin et al., CVPR 2015), as its PDF extraction gives
 * them (/work/shared/paper), with the extraction's '#' turned back into spaces and 'X' between
 * letters or digits back into hyphens ("88X95" is "88-95"). Ligature damage ("soV Lssue" for
 * "soft tissue") is left as it is. Public, de-identified example text.
 */

/** Figure 1, first report: head and neck CT, one reference. */
export const FIGURE1_HEAD_NECK_CT = [
  '0001 REPORT : REASON FOR EXAM (Entered by ordering clinician into CRIS): hx of head and neck ',
  'cancer. needs scan CT of the nasopharynx. HISTORY: Head and neck cancer. TECHNIQUE: ConLguous 2.5 ',
  'mm axial images of the nasopharynx were performed without IV contrast. COMPARISON: xx/xx/xxxx. ',
  'FINDINGS: No soV Lssue masses are seen within the soV Lssues of the neck. The paroLd and ',
  'submandibular glands are predominantly faWy-replaced. SoV Lssues of the Naso, oropharynx are ',
  'unremarkable. There may be mild fat stranding of the right parapharyngeal soV Lssues (series 1001, ',
  'image 32). No abnormal masses are seen at that site. No bulky lymphadenopathy is seen. There is a ',
  'fusiform aneurysm of the basilar artery as previously described. It appears to the mildly increased ',
  'in size and currently measures 2.0 cm in transverse dimensions and previously measured 1.8 cm. It ',
  'measured 1.5 cm in transverse dimensions on xx/xx/xxxx. AtheroscleroLc calciﬁcaLons are also seen ',
  'within the caroLd arteries bilaterally. There is near-complete opaciﬁcaLon of the maxillary sinuses ',
  'bilaterally. This has increased predominantly within the leV maxillary sinus and mildly within the ',
  'right maxillary sinus. The ethmoidal air cells are clear. Sphenoidal and frontal sinuses are clear. ',
  'DegeneraLve changes of the cervical spine are noted.  IMPRESSIONS: 1. No soV Lssue masses however, ',
  'mild right parapharyngeal fat stranding is seen it may be postoperaLve or post radiaLon in nature. ',
  '2. Basilar artery aneurysm that has gradually increased in size when compared to prior examinaLons. ',
  '3. AtheroscleroLc disease of the coronary arteries bilaterally..  ',
].join('');

/** Figure 1, second report: chest/abdomen/pelvis CT, four references. */
export const FIGURE1_CHEST_ABDOMEN_CT = [
  '0001 Report: CHEST, ABDOMEN, PELVIS CT: MulLdetector helical (5 mm, quad) images following, and ',
  'abdomen images prior to vascular contrast infusion (45 s delay, 2 cc/s, 130 cc Isovue) obtained ',
  'without apparent complicaLon. History: renal cell pt on Medarex protocol here for end of course ',
  'evaluaLon. CHEST: MulLple right, and at least one leV lung masses minimally-moderately increasing ',
  'since xx/xx/xxxx, compaLble with metastases despite moderate decrease in at least one right ',
  'mid-lung mass (e.g. series 4 image 30). Minimal pretracheal and subcarinal adenopathy increasing. ',
  'Spine osteophytes. Enlargement thyroid on right side, and thyroid heterogeneity unchanged, possibly ',
  'due to goiter. No evidence of pleural or pericardial eﬀusion, axilla or leV hilum adenopathy. ',
  'ABDOMEN, PELVIS: Few right and leV liver foci, leV periaorLc and leV adrenal fossa, and right ',
  'sacrum mass and lyLc lesion (series 3 image 88-95) increasing minimally, compaLble with metastases. ',
  'ScaWered lumbar vertebra and bilateral ilium foci (e.g. series 3 image 55, 60, 80, 84-7, 96) foci ',
  'possibly due to bone metastases. Uterine fundus focus (series 3 image 95) increasing in density ',
  'since xx/xx/xxxx, possibly due to ﬁbroid, metastasis. No evidence of splenomegaly, hydronephrosis, ',
  'gallbladder calciﬁcaLon, or bulky mesenteric adenopathy. ',
].join('');
