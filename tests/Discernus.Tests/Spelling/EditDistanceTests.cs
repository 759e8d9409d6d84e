using Discernus.Spelling;

namespace Discernus.Tests.Spelling;

public sealed class EditDistanceTests
{
    [Theory]
    [InlineData("grievance", "grievance", 0)]
    [InlineData("grievence", "grievance", 1)]
    [InlineData("civic_duty", "civic_dutie", 2)]
    [InlineData("", "ab", 2)]
    public void Within_TheLimit_IsTheLevenshteinDistance(string a, string b, int expected) =>
        Assert.Equal(expected, EditDistance.Within(a, b, 2));

    [Theory]
    [InlineData("populism", "pluralism", 1)]
    [InlineData("abc", "abcdef", 2)]
    public void Beyond_TheLimit_IsNoMatch(string a, string b, int limit) =>
        Assert.Equal(int.MaxValue, EditDistance.Within(a, b, limit));

    [Fact]
    public void NamesLongerThanAnySuggestion_AreNeverClose_WhateverTheyHold()
    {
        // The one exception to the distance: a name of 65+ characters (a hostile setting or field name) gets no table.
        var name = new string('a', 65);
        Assert.Equal(int.MaxValue, EditDistance.Within(name, name, 3));
        Assert.Equal(0, EditDistance.Within(name[..64], name[..64], 3));
    }
}
