module example.com/fixtures/iter

go 1.23
