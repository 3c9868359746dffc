// Where the assignment detail lists the current rubric's parts: [{id, title, prompt, max}] in rubric order.
export function partsOf(assignment) {
  const rubric = assignment.rubric || assignment.current_rubric || {};
  return assignment.parts || rubric.parts || [];
}
