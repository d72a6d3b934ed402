class CVObservationalPredictor: pass
