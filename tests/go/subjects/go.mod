module example.com/fixtures/subjects

go 1.21
