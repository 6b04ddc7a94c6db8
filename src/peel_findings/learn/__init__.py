"""The model's lifecycle: labelled records, training, evaluation, the model card, the labelling queue."""
