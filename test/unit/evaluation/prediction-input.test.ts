import { metricInputOf, UnknownLabelError } from '../../../src/evaluation/prediction-input';

describe("a model's answer as metric input", () => {
  const answer = {
    classes: ['No', 'Yes'],
    probabilities: [
      [0.9, 0.1],
      [0.2, 0.8],
    ],
  };

  test("binary: labels become indices in the model's class order, scores the second class's probability", () => {
    expect(metricInputOf('binary', ['Yes', 'No'], answer)).toEqual({
      task: 'binary',
      yTrue: [1, 0],
      scores: [0.1, 0.8],
    });
  });

  test('multiclass keeps every probability and the class count', () => {
    expect(metricInputOf('multiclass', ['No', 'No'], answer)).toEqual({
      task: 'multiclass',
      yTrue: [0, 0],
      probabilities: answer.probabilities,
      classCount: 2,
    });
  });

  test('regression: the truth as numbers', () => {
    expect(metricInputOf('regression', ['1.5', '2'], { predictions: [1, 2] })).toEqual({
      task: 'regression',
      yTrue: [1.5, 2],
      yPred: [1, 2],
    });
  });

  test('a label the model never saw is an UnknownLabelError naming it and the classes', () => {
    expect(() => metricInputOf('binary', ['Maybe'], answer)).toThrow(UnknownLabelError);
    expect(() => metricInputOf('binary', ['Maybe'], answer)).toThrow(/'Maybe'.*No, Yes/);
  });

  test('an answer of the wrong kind for the task is an error, not a silent misreading', () => {
    expect(() => metricInputOf('regression', ['1'], answer)).toThrow(/class probabilities/);
    expect(() => metricInputOf('binary', ['Yes'], { predictions: [1] })).toThrow(/regression/);
  });
});
