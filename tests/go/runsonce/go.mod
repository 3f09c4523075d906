module example.com/fixtures/runsonce

go 1.21
