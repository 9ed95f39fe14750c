def test_longest_first_orders_by_scene_length_then_index_and_tolerates_bad_rows():
    from aytada.core.timing import longest_first

    scenes = [{"duration": 2}, {"duration": 5.5}, {}, {"duration": "x"}, {"duration": 5.5}]
    assert longest_first(scenes, [0, 1, 2, 3, 4]) == [1, 4, 0, 2, 3]
    assert longest_first(scenes, [4, 0]) == [4, 0]  # only what is asked for
    assert longest_first(scenes, [9, 0]) == [0, 9]  # a row that is not there counts as 0 s
