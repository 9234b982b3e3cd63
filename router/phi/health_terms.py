"""Clinical vocabulary that marks a text as carrying health information.

Whole words, matched case-insensitively (plural "s" allowed). Grouped by kind so that
reasons can say what was found. Department and scheduling words ("clinic",
"appointment") are deliberately absent: a name in a scheduling message is not, by itself,
a patient's health information.
"""

from __future__ import annotations

DIAGNOSES = (
    "diabetes|diabetic|hypertension|hypertensive|htn|dm2|t2dm|t1dm|iddm|niddm|copd|chf|"
    "afib|a-fib|atrial fibrillation|atrial flutter|heart failure|myocardial infarction|stemi|"
    "nstemi|heart attack|angina|arrhythmia|cardiomyopathy|asthma|pneumonia|bronchitis|sepsis|"
    "septic|cancer|carcinoma|tumor|tumour|malignancy|malignant|metastatic|metastasis|leukemia|"
    "lymphoma|melanoma|sarcoma|stroke|cva|aneurysm|depression|depressive|anxiety|bipolar|"
    "schizophrenia|psychosis|ptsd|adhd|autism|dementia|alzheimer|alzheimer's|parkinson|"
    "parkinson's|epilepsy|seizure|migraine|multiple sclerosis|neuropathy|hiv|hepatitis|"
    "cirrhosis|pancreatitis|covid|covid-19|influenza|tuberculosis|syphilis|chlamydia|"
    "gonorrhea|herpes|hpv|sti|uti|pyelonephritis|ckd|esrd|renal failure|kidney disease|"
    "aki|dvt|pulmonary embolism|anemia|anaemia|thrombocytopenia|sickle cell|hemophilia|"
    "lupus|rheumatoid arthritis|arthritis|osteoarthritis|osteoporosis|gout|fracture|obesity|"
    "obese|hypothyroidism|hyperthyroidism|hyperlipidemia|dyslipidemia|hypercholesterolemia|"
    "hypoglycemia|hyperglycemia|hyperkalemia|hypokalemia|hyponatremia|infection|infected|"
    "abscess|cellulitis|ulcer|gerd|ibs|ibd|crohn's|crohn|colitis|diverticulitis|appendicitis|"
    "cholecystitis|hernia|cyst|polyp|glaucoma|cataract|macular degeneration|eczema|psoriasis|"
    "dermatitis|allergy|allergies|allergic|anaphylaxis|pregnancy|pregnant|miscarriage|"
    "preeclampsia|gestational|postpartum|infertility|endometriosis|overdose|addiction|"
    "substance use|alcohol use disorder|opioid use disorder|withdrawal|suicidal|suicide|"
    "self-harm|eating disorder|anorexia|bulimia|concussion|tbi|syncope|vertigo|neoplasm|"
    "comorbidities|comorbidity|disease|disorder|syndrome|diagnosis|diagnosed|dx|prognosis"
)
SYMPTOMS = (
    "chest pain|shortness of breath|sob|dyspnea|cough|fever|febrile|nausea|vomiting|diarrhea|"
    "constipation|headache|dizziness|fatigue|rash|swelling|edema|bleeding|hemorrhage|"
    "palpitations|abdominal pain|back pain|pain|wheezing|numbness|weakness|confusion|"
    "lethargy|malaise|chills|tachycardia|bradycardia|hypotension|hypoxia|jaundice|"
    "weight loss|insomnia|incontinence|symptom|symptoms|lesion|lump|sore throat"
)
MEDICATIONS = (
    "metformin|insulin|lisinopril|amlodipine|atorvastatin|simvastatin|rosuvastatin|"
    "metoprolol|carvedilol|losartan|valsartan|hydrochlorothiazide|hctz|furosemide|lasix|"
    "spironolactone|warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|heparin|enoxaparin|"
    "lovenox|clopidogrel|plavix|aspirin|ibuprofen|advil|motrin|naproxen|aleve|"
    "acetaminophen|tylenol|paracetamol|oxycodone|hydrocodone|norco|percocet|morphine|"
    "fentanyl|tramadol|methadone|buprenorphine|suboxone|naloxone|narcan|gabapentin|"
    "pregabalin|sertraline|zoloft|fluoxetine|prozac|citalopram|escitalopram|lexapro|"
    "bupropion|wellbutrin|venlafaxine|duloxetine|cymbalta|trazodone|alprazolam|xanax|"
    "lorazepam|ativan|clonazepam|diazepam|valium|zolpidem|ambien|quetiapine|seroquel|"
    "olanzapine|risperidone|aripiprazole|abilify|lithium|lamotrigine|levetiracetam|keppra|"
    "valproate|phenytoin|carbamazepine|levothyroxine|synthroid|prednisone|prednisolone|"
    "methylprednisolone|dexamethasone|hydrocortisone|albuterol|fluticasone|montelukast|"
    "singulair|omeprazole|pantoprazole|esomeprazole|nexium|famotidine|ondansetron|zofran|"
    "amoxicillin|augmentin|azithromycin|zithromax|doxycycline|cephalexin|keflex|"
    "ciprofloxacin|cipro|levofloxacin|bactrim|nitrofurantoin|metronidazole|flagyl|"
    "clindamycin|vancomycin|ceftriaxone|penicillin|antibiotic|antibiotics|semaglutide|"
    "ozempic|wegovy|liraglutide|victoza|tirzepatide|mounjaro|dulaglutide|trulicity|"
    "empagliflozin|jardiance|dapagliflozin|farxiga|sitagliptin|januvia|glipizide|glyburide|"
    "lantus|humalog|novolog|adalimumab|humira|methotrexate|hydroxychloroquine|tamoxifen|"
    "chemotherapy|chemo|immunotherapy|radiation therapy|vaccine|vaccination|statin|"
    "beta blocker|ace inhibitor|anticoagulant|antidepressant|opioid|opioids|medication|"
    "medications|meds|prescription|prescribed|rx|refill|dose|dosage|capsule|"
    "mg|mcg|inhaler|nitroglycerin|digoxin|amiodarone|diltiazem|sildenafil|viagra"
)
PROCEDURES = (
    "surgery|surgical|operation|post-op|postop|pre-op|preop|biopsy|colonoscopy|endoscopy|"
    "appendectomy|cholecystectomy|mastectomy|hysterectomy|lumpectomy|c-section|cesarean|"
    "angioplasty|stent|cabg|bypass|catheterization|dialysis|hemodialysis|transplant|"
    "intubation|intubated|ventilator|mri|ct scan|cat scan|x-ray|xray|ultrasound|"
    "echocardiogram|ekg|ecg|eeg|mammogram|pap smear|chemoradiation|physical therapy|"
    "amputation|arthroplasty|knee replacement|hip replacement|laparoscopic|suture|sutures|"
    "stitches|debridement|transfusion|infusion|vaccinated|imaging|radiology report"
)
LABS = (
    "a1c|hba1c|hemoglobin a1c|ldl|hdl|triglycerides|cholesterol|glucose|blood sugar|"
    "creatinine|egfr|bun|inr|ptt|hemoglobin|hgb|hct|hematocrit|wbc|platelets|"
    "sodium|potassium|tsh|psa|bnp|troponin|lactate|lipase|bilirubin|albumin|ferritin|"
    "urinalysis|blood culture|cbc|bmp|cmp|lipid panel|viral load|cd4|blood pressure|bp|"
    "heart rate|pulse|spo2|o2 sat|oxygen saturation|bmi|lab results|test results|labs|"
    "pathology|mmhg|mg/dl|mmol/l"
)
ENCOUNTER = (
    "admitted|admission|discharged|discharge summary|inpatient|outpatient|icu|"
    "emergency room|emergency department|er visit|ed visit|hospitalized|hospitalization|"
    "readmission|presented with|presents with|complains of|c/o|chief complaint|"
    "history of|hx of|pmh|hpi|assessment and plan|plan of care|progress note|h&p|"
    "treated for|treatment|therapy|diagnostic|clinical|vitals|vital signs|physical exam|"
    "follow-up for|referral for|triage|code status|dnr|hospice care|palliative"
)

HEALTH_TERMS: dict[str, str] = {
    "diagnosis": DIAGNOSES,
    "symptom": SYMPTOMS,
    "medication": MEDICATIONS,
    "procedure": PROCEDURES,
    "lab": LABS,
    "encounter": ENCOUNTER,
}

# Word endings that are clinical whatever the stem: "-itis", "-ectomy", drug stems.
HEALTH_SUFFIXES: dict[str, str] = {
    "diagnosis": "itis|osis|emia|algia|pathy|plegia|paresis|trophy|megaly",
    "procedure": "ectomy|otomy|ostomy|plasty|oscopy|graphy|pexy|rrhaphy",
    "medication": (
        "pril|sartan|olol|statin|mab|tinib|azole|cillin|mycin|cycline|floxacin|prazole|"
        "tidine|dipine|gliptin|gliflozin|glutide|parin|xaban|gatran|lukast|setron|triptan|"
        "azepam|azolam|barbital|profen|oxetine|triptyline|apine|idone|formin|terol|semide"
    ),
}
# Stems that end like a clinical word but are not one ("diploma", "sympathy").
NON_CLINICAL_WORDS = (
    "diploma|aroma|coma|soma|stoma|comma|dogma|karma|oklahoma|sympathy|empathy|apathy|"
    "telepathy|antipathy|nostalgia|academia|bohemia|osmosis|hypnosis|symbiosis|photography|"
    "geography|biography|bibliography|calligraphy|choreography|demography|pornography|"
    "typography|mab|idone|apine|terol|statin|trophy|atrophy"
)
