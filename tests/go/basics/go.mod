module example.com/fixtures/basics

go 1.21
