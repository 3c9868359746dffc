from grader.rubric.loader import load_rubric, load_rubric_text
from grader.rubric.model import Item, Part, PartExample, Rubric

__all__ = ["Item", "Part", "PartExample", "Rubric", "load_rubric", "load_rubric_text"]
