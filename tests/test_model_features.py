"""The model's custom transformers follow scikit-learn's estimator contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.estimator_checks import parametrize_with_checks

from peel_findings.model.features import CharNgramTfidf, CueFeatures

ESTIMATORS = [CueFeatures(groups=(("theme:mash", ("mash", "0.5")), ("cue:contrast", ("but",)))), CharNgramTfidf()]


@parametrize_with_checks(ESTIMATORS)
def test_model_features_pass_scikit_learn_checks(estimator, check):
    check(estimator)


def test_model_features_take_a_list_or_a_table_of_text_columns():
    texts = ["The MASH works well", "but referrals are slow", None]
    table = pd.DataFrame({"text": texts, "heading": ["MASH", "MASH", "Other"]})
    for est in (ESTIMATORS[0], CharNgramTfidf(min_df=1)):
        as_list = est.fit(texts).transform(texts).toarray()
        assert as_list.shape[0] == 3 and as_list[2].sum() == 0  # None is empty text
        joined = est.fit(table).transform(table).toarray()
        expected = est.fit([f"{t or ''} {h}" for t, h in zip(texts, table["heading"])])
        assert np.allclose(joined, expected.transform([f"{t or ''} {h}" for t, h in zip(texts, table["heading"])])
                           .toarray())
