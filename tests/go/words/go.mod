module example.com/fixtures/words

go 1.21
