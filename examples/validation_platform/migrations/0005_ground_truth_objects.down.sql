DROP TABLE ground_truth_objects;
